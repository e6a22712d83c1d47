/**
 * A minimal EXIF block (APP1) for the photos the phone re-encodes: the canvas drops the camera's
 * EXIF, so we write back when and where the photo was taken (DateTimeOriginal + OffsetTimeOriginal,
 * GPS latitude/longitude and the fix's accuracy), which the server reads into taken_at and the
 * photo's position. Nothing else (no device make, no thumbnail).
 */
const ASCII = 2;
const LONG = 4;
const RATIONAL = 5;
const BYTE = 1;

const ascii = (text) => new TextEncoder().encode(`${text}\0`);
function rationals(pairs) {
  const out = new Uint8Array(pairs.length * 8);
  const view = new DataView(out.buffer);
  pairs.forEach(([n, d], i) => { view.setUint32(i * 8, n, true); view.setUint32(i * 8 + 4, d, true); });
  return out;
}
function long(value) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}
function dms(degrees) {
  const abs = Math.abs(degrees);
  const d = Math.floor(abs);
  const m = Math.floor((abs - d) * 60);
  const s = Math.round(((abs - d) * 60 - m) * 60 * 1000);
  return rationals([[d, 1], [m, 1], [s, 1000]]);
}

const entry = (tag, type, bytes, count = bytes.length / (type === RATIONAL ? 8 : type === LONG ? 4 : 1)) => ({ tag, type, count, bytes });
const ifdSize = (entries) => 2 + entries.length * 12 + 4
  + entries.reduce((sum, e) => sum + (e.bytes.length > 4 ? e.bytes.length + (e.bytes.length & 1) : 0), 0);

function writeIfd(out, at, entries) {
  const view = new DataView(out.buffer, out.byteOffset);
  view.setUint16(at, entries.length, true);
  let data = at + 2 + entries.length * 12 + 4;
  entries.forEach((e, i) => {
    const p = at + 2 + i * 12;
    view.setUint16(p, e.tag, true);
    view.setUint16(p + 2, e.type, true);
    view.setUint32(p + 4, e.count, true);
    if (e.bytes.length <= 4) {
      out.set(e.bytes, p + 8);
    } else {
      view.setUint32(p + 8, data, true);
      out.set(e.bytes, data);
      data += e.bytes.length + (e.bytes.length & 1);
    }
  });
  view.setUint32(at + 2 + entries.length * 12, 0, true);
}

const pad = (n) => String(n).padStart(2, '0');

/** The APP1 segment for a photo taken at `takenAt` (device clock, local zone) and `position` (or null). */
export function buildExif({ takenAt, position }) {
  const zone = -takenAt.getTimezoneOffset();
  const exif = [
    entry(0x9003, ASCII, ascii(`${takenAt.getFullYear()}:${pad(takenAt.getMonth() + 1)}:${pad(takenAt.getDate())} `
      + `${pad(takenAt.getHours())}:${pad(takenAt.getMinutes())}:${pad(takenAt.getSeconds())}`)),
    entry(0x9011, ASCII, ascii(`${zone >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(zone) / 60))}:${pad(Math.abs(zone) % 60)}`)),
  ];
  const gps = position ? [
    entry(0x0000, BYTE, new Uint8Array([2, 3, 0, 0])),
    entry(0x0001, ASCII, ascii(position.latitude >= 0 ? 'N' : 'S')),
    entry(0x0002, RATIONAL, dms(position.latitude)),
    entry(0x0003, ASCII, ascii(position.longitude >= 0 ? 'E' : 'W')),
    entry(0x0004, RATIONAL, dms(position.longitude)),
    ...(position.accuracy_m != null ? [entry(0x001f, RATIONAL, rationals([[Math.round(position.accuracy_m * 100), 100]]))] : []),
  ] : [];
  // IFD0 points at the Exif IFD and the GPS IFD, laid out one after the other.
  const ifd0Size = 2 + (gps.length ? 2 : 1) * 12 + 4;
  const exifAt = 8 + ifd0Size;
  const gpsAt = exifAt + ifdSize(exif);
  const ifd0 = [entry(0x8769, LONG, long(exifAt)), ...(gps.length ? [entry(0x8825, LONG, long(gpsAt))] : [])];
  const tiff = new Uint8Array(gpsAt + (gps.length ? ifdSize(gps) : 0));
  tiff.set([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]); // "II*\0", IFD0 at 8: little-endian TIFF
  writeIfd(tiff, 8, ifd0);
  writeIfd(tiff, exifAt, exif);
  if (gps.length) writeIfd(tiff, gpsAt, gps);
  const header = new TextEncoder().encode('Exif\0\0');
  const length = 2 + header.length + tiff.length;
  const app1 = new Uint8Array(2 + length);
  app1.set([0xff, 0xe1, length >> 8, length & 0xff]);
  app1.set(header, 4);
  app1.set(tiff, 4 + header.length);
  return app1;
}

/** The JPEG with the APP1 segment after SOI (and after a JFIF APP0, if there is one). */
export function insertExif(jpeg, app1) {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4] << 8) | jpeg[5]);
  const out = new Uint8Array(jpeg.length + app1.length);
  out.set(jpeg.subarray(0, at));
  out.set(app1, at);
  out.set(jpeg.subarray(at), at + app1.length);
  return out;
}
