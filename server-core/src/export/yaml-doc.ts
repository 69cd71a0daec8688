// YAML out of plain objects (the `yaml` library: the spec's quoting rules, not ours), with comments where a
// human edits: a header, and a comment above any key given by its path. Key order is the object's, so the
// same input gives the same bytes.
import { Document, isMap, type Node } from 'yaml';

export type CommentPath = readonly (string | number)[];

export function yamlDoc(header: readonly string[], value: unknown, comments: ReadonlyArray<readonly [CommentPath, string]> = []): string {
  // No anchors and aliases: each manifest reads on its own, as people expect to edit it.
  const doc = new Document(value, { aliasDuplicateObjects: false });
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  for (const [at, text] of comments) {
    const parent = at.length === 1 ? doc.contents : (doc.getIn(at.slice(0, -1), true) as Node | undefined);
    if (!isMap(parent)) throw new Error(`no map at ${at.slice(0, -1).join('.')}`);
    const pair = parent.items.find((p) => (p.key as { value?: unknown }).value === at[at.length - 1]);
    if (!pair) throw new Error(`no key ${at.join('.')}`);
    (pair.key as Node).commentBefore = text
      .split('\n')
      .map((l) => ` ${l}`)
      .join('\n');
  }
  return doc.toString({ lineWidth: 0 });
}
