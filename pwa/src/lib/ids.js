/** Record ids made on the phone (the offline contract): random UUIDs. */
export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // Insecure contexts (plain http on a LAN address) lack randomUUID but have getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
