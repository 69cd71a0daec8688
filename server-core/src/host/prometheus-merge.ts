// Merges several Prometheus text expositions (one per app) into one: each metric family's HELP/TYPE once,
// its samples together — strict parsers reject a family that is split or declared twice.
interface Family {
  help: string | null;
  type: string | null;
  samples: string[];
}

export function mergePrometheus(texts: readonly string[]): string {
  const families = new Map<string, Family>();
  const fam = (name: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { help: null, type: null, samples: [] }));
    return f;
  };
  for (const text of texts) {
    let current: string | null = null;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const meta = /^#\s+(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(line);
      if (meta) {
        current = meta[2]!;
        const f = fam(current);
        if (meta[1] === 'HELP') f.help ??= line;
        else f.type ??= line;
        continue;
      }
      if (line.startsWith('#')) continue;
      const name = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)?.[1];
      if (!name) continue;
      // Histogram/summary samples (_bucket, _sum, _count) belong to the family declared just before them.
      const owner = current && (name === current || name.startsWith(`${current}_`)) ? current : name;
      fam(owner).samples.push(line);
    }
  }
  const out: string[] = [];
  for (const f of families.values()) {
    if (f.help) out.push(f.help);
    if (f.type) out.push(f.type);
    out.push(...f.samples);
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}
