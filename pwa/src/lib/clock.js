/** The device clock's offset from the server's, measured from the Date header of API answers. */
import { meta } from './db.js';

let offsetMs = 0;

/** Load the last measured offset (the phone may start offline). */
export async function loadClockOffset() {
  offsetMs = (await meta.get('clockOffsetMs')) ?? 0;
  return offsetMs;
}

/**
 * Measure from one answer: the server stamped `dateHeader` (whole seconds) somewhere between
 * sentAt and receivedAt on our clock, so its midpoint is the best guess. A change smaller than
 * the header's one-second resolution is noise and is not stored.
 */
export function observeServerDate(dateHeader, sentAt, receivedAt) {
  const server = Date.parse(dateHeader || '');
  if (Number.isNaN(server)) return offsetMs;
  const measured = server + 500 - (sentAt + receivedAt) / 2;
  if (Math.abs(measured - offsetMs) >= 1000) {
    offsetMs = Math.round(measured);
    meta.set('clockOffsetMs', offsetMs).catch(() => {});
  }
  return offsetMs;
}

export const clockOffsetMs = () => offsetMs;

/** The server's "now" on this phone: for countdowns against server times such as ack_due_at. */
export const serverNow = () => Date.now() + offsetMs;

/** A device-clock time with the phone's zone, as the API wants observed_at ("2026-11-29T11:02:03+08:00"). */
export function localIso(date = new Date()) {
  const pad = (n, w = 2) => String(Math.trunc(Math.abs(n))).padStart(w, '0');
  const zone = -date.getTimezoneOffset();
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
    + `${zone >= 0 ? '+' : '-'}${pad(zone / 60)}:${pad(zone % 60)}`;
}
