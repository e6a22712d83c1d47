// Draws the app icons (a white shield with a grid on SafeGrid blue) as PNGs, with no dependencies:
// node scripts/make-icons.mjs  →  public/icons/icon-192.png, icon-512.png, maskable-512.png
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

const BLUE = [11, 87, 208];
const WHITE = [255, 255, 255];

// Shield in unit coordinates (-1..1): flat top, straight sides, then tapering to a point.
function inShield(x, y) {
  if (y < -0.8 || y > 0.95 || Math.abs(x) > 0.7) return false;
  if (y <= 0.15) return true;
  return Math.abs(x) <= 0.7 * (0.95 - y) / 0.8;
}
// Grid lines inside the shield: the 网格 of the name.
const onGrid = (x, y) => [-0.23, 0.23].some((g) => Math.abs(x - g) < 0.05) || [-0.33, 0.13].some((g) => Math.abs(y - g) < 0.05);

function pixel(u, v, scale, rounded) {
  if (rounded) { // transparent outside a rounded square
    const r = 0.22;
    const dx = Math.max(Math.abs(u) - (1 - r), 0);
    const dy = Math.max(Math.abs(v) - (1 - r), 0);
    if (dx * dx + dy * dy > r * r) return null;
  }
  const x = u / scale;
  const y = v / scale;
  if (inShield(x, y)) return onGrid(x, y) ? BLUE : WHITE;
  return BLUE;
}

function draw(size, { scale, rounded }) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const ss = 4;
  for (let py = 0; py < size; py += 1) {
    raw[py * (size * 4 + 1)] = 0;
    for (let px = 0; px < size; px += 1) {
      let r = 0; let g = 0; let b = 0; let a = 0;
      for (let sy = 0; sy < ss; sy += 1) {
        for (let sx = 0; sx < ss; sx += 1) {
          const u = ((px + (sx + 0.5) / ss) / size) * 2 - 1;
          const v = ((py + (sy + 0.5) / ss) / size) * 2 - 1;
          const c = pixel(u, v, scale, rounded);
          if (c) { r += c[0]; g += c[1]; b += c[2]; a += 255; }
        }
      }
      const n = ss * ss;
      const o = py * (size * 4 + 1) + 1 + px * 4;
      const cover = a / 255 || 1;
      raw[o] = Math.round(r / cover); raw[o + 1] = Math.round(g / cover); raw[o + 2] = Math.round(b / cover);
      raw[o + 3] = Math.round(a / n);
    }
  }
  return png(size, raw);
}

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size, raw) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const out = new URL('../public/icons/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('icon-192.png', out), draw(192, { scale: 0.8, rounded: true }));
writeFileSync(new URL('icon-512.png', out), draw(512, { scale: 0.8, rounded: true }));
// Maskable: full bleed, the shield inside the central 80 % safe zone.
writeFileSync(new URL('maskable-512.png', out), draw(512, { scale: 0.62, rounded: false }));
console.log('icons written to public/icons/');
