/** Site tag codes (场所码): read from a scanned URL or typed text, normalised as the server does. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32, as qr/codes.py
export const CODE_LENGTH = 15;

/** The code in what was scanned or typed: the last part of an …/S/<code> URL, or the text itself. */
export function codeFromInput(text) {
  const raw = String(text || '').trim();
  const match = raw.match(/\/s\/([^/?#]+)\/?(?:[?#].*)?$/i);
  if (match) return decodeURIComponent(match[1]);
  const query = raw.match(/[?&]tag=([^&#]+)/);
  return query ? decodeURIComponent(query[1]) : raw;
}

/** The 15 characters that identify a tag, or null: case, dashes, spaces, full width, O/0 and I/L/1 forgiven. */
export function compactCode(text) {
  const folded = codeFromInput(text).normalize('NFKC').toUpperCase()
    .replace(/[-\s]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (folded.length !== CODE_LENGTH || [...folded].some((c) => !ALPHABET.includes(c))) return null;
  return folded;
}

/** "A000C1S446C88C2" → "A000C-1S446-C88C2", as printed under the QR symbol. */
export const groupedCode = (compact) => compact.match(/.{1,5}/g).join('-');

/** The tag's serial number, readable in the code (characters 2 to 7). */
export function serialOf(compact) {
  return [...compact.slice(1, 7)].reduce((n, c) => n * 32 + ALPHABET.indexOf(c), 0);
}
