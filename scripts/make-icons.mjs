#!/usr/bin/env node
// Draws Gantry's icon (a gantry crane: two legs, a beam, a hook, on a rounded blue tile) and writes it as PNGs,
// 16…1024 px, into build/icons/ — the set electron-builder expects (NxN.png) and the tray uses.
// No image library: shapes are sampled 4×4 per pixel for anti-aliasing and encoded with node:zlib.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'build', 'icons');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** RGBA pixels (Uint8Array, width*height*4) → PNG bytes. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Shapes in unit coordinates (0..1). Each returns true when the point is inside.
const inRoundedRect = (x, y, x0, y0, x1, y1, r) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const inRect = (x, y, x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1;

function crane(x, y) {
  const beam = inRect(x, y, 0.17, 0.27, 0.83, 0.37);
  const legs = inRect(x, y, 0.23, 0.27, 0.33, 0.8) || inRect(x, y, 0.67, 0.27, 0.77, 0.8);
  const feet = inRect(x, y, 0.17, 0.76, 0.39, 0.82) || inRect(x, y, 0.61, 0.76, 0.83, 0.82);
  const cable = inRect(x, y, 0.485, 0.37, 0.515, 0.52);
  const load = inRoundedRect(x, y, 0.41, 0.52, 0.59, 0.66, 0.03);
  return beam || legs || feet || cable || load;
}

function draw(size) {
  const px = new Uint8Array(size * size * 4);
  const S = 4; // samples per axis
  for (let py = 0; py < size; py++) {
    for (let pxi = 0; pxi < size; pxi++) {
      let tile = 0;
      let mark = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (pxi + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          if (inRoundedRect(x, y, 0.04, 0.04, 0.96, 0.96, 0.2)) {
            tile++;
            if (crane(x, y)) mark++;
          }
        }
      }
      const n = S * S;
      const i = (py * size + pxi) * 4;
      // Tile: a vertical blue gradient; mark: near-white. Blend by coverage.
      const t = py / size;
      const bg = [Math.round(30 + 20 * t), Math.round(99 - 30 * t), Math.round(235 - 60 * t)];
      const fg = [245, 248, 255];
      const m = tile ? mark / tile : 0;
      px[i] = Math.round(bg[0] * (1 - m) + fg[0] * m);
      px[i + 1] = Math.round(bg[1] * (1 - m) + fg[1] * m);
      px[i + 2] = Math.round(bg[2] * (1 - m) + fg[2] * m);
      px[i + 3] = Math.round((255 * tile) / n);
    }
  }
  return px;
}

mkdirSync(outDir, { recursive: true });
for (const size of SIZES) writeFileSync(path.join(outDir, `${size}x${size}.png`), encodePng(size, size, draw(size)));
process.stdout.write(`wrote ${SIZES.length} icons to ${path.relative(root, outDir)}/\n`);
