/** A 双随机 draw as the app asks for it, pure: the share in percent as the API's decimal, this month in Asia/Shanghai,
 * and a seed the supervisor keeps, committed to by its SHA-256 (as the server checks it: docs/draws.md). */
import { shanghaiDay } from './tasks.js';

/** 128 random bits as hex, and the SHA-256 of its UTF-8 as the server computes the commitment. */
export function newSeed() {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}
export async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A share in percent (10, 12.5) as the API takes it: a decimal in (0, 1] of at most four places. */
export const shareOf = (percent) => Number((Number(percent) / 100).toFixed(4));

/** This month in Asia/Shanghai: [first day, last day]. */
export function thisMonth(now = Date.now()) {
  const [y, m] = shanghaiDay(now).slice(0, 7).split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return [`${y}-${mm}-01`, `${y}-${mm}-${String(last).padStart(2, '0')}`];
}
