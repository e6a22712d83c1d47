// Prints the gzipped size of the app shell: every precached JS, CSS and HTML file (as listed in the
// service worker's precache manifest) except the QR decoder, which loads only when the camera opens, and the map
// screen's chunk (Leaflet, its stylesheet), which loads only when the map opens (ui/map.js).
// Fails the build above the budget of 150 KB.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 150 * 1024;
const dist = new URL('../dist/', import.meta.url);
const sw = readFileSync(new URL('sw.js', dist), 'utf8');
const urls = [...sw.matchAll(/url:\s*"([^"]+)"|"url":\s*"([^"]+)"/g)].map((m) => m[1] || m[2]);
if (!urls.length) throw new Error('no precache manifest found in dist/sw.js');

let total = 0;
const rows = [];
for (const url of urls) {
  if (!/\.(js|css|html)$/.test(url)) continue;
  const size = gzipSync(readFileSync(new URL(url, dist)), { level: 9 }).length;
  const lazy = /jsqr/i.test(url) || /^assets\/map-[\w-]+\.(js|css)$/.test(url);
  rows.push(`${lazy ? '  (lazy, not counted) ' : '  '}${url}  ${(size / 1024).toFixed(1)} KB`);
  if (!lazy) total += size;
}
console.log(`precached files (gzip -9):\n${rows.join('\n')}`);
console.log(`app shell: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`);
if (total > BUDGET) {
  console.error('the app shell is over its budget');
  process.exit(1);
}
