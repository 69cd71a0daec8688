// The exported files as one zip (fflate), for "Download all". A fixed timestamp keeps the bytes the same for
// the same files, as the files themselves are.
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { ExportFile } from '../../../api/contract';

const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

export function zipFiles(folder: string, files: readonly ExportFile[]): Uint8Array {
  const tree: Zippable = {};
  for (const f of files) tree[`${folder}/${f.path}`] = [strToU8(f.content), { mtime: FIXED_MTIME }];
  return zipSync(tree, { level: 6 });
}

/** Saves bytes as a file through the browser's download (works in Electron and in `gantry ui`). */
export function download(name: string, data: Uint8Array | string, type: string): void {
  const blob = new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
