/** The phone's position (WGS-84, as the Geolocation API gives it), captured when a record is made, and how far it is from a site. */
import { t } from '../i18n/index.js';

let last = null;

const fix = (p) => ({ latitude: p.coords.latitude, longitude: p.coords.longitude,
  accuracy_m: Math.round(p.coords.accuracy * 10) / 10, at: p.timestamp });

/** A fix no older than maxAgeMs, or null after timeoutMs (indoors, denied): a record never waits long for GPS. */
export function position({ maxAgeMs = 30_000, timeoutMs = 6_000 } = {}) {
  if (last && Date.now() - last.at < maxAgeMs) return Promise.resolve(last);
  if (!globalThis.navigator?.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) => { last = fix(p); resolve(last); },
      () => resolve(null),
      { enableHighAccuracy: true, maximumAge: maxAgeMs, timeout: timeoutMs },
    );
  });
}

const EARTH_RADIUS_M = 6_371_008.8; // the mean radius (IUGG), as the server's distances use
const rad = (deg) => (deg * Math.PI) / 180;

/** Great-circle distance in metres between two WGS-84 points {latitude, longitude} (haversine, like the server's). */
export function distanceM(a, b) {
  const dp = rad(b.latitude - a.latitude);
  const dl = rad(b.longitude - a.longitude);
  const h = Math.sin(dp / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dl / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

/** A distance as a person reads it: a few metres exactly, then to 5 or 10 m, then in km to 0.1 (GPS is no finer). */
export function roughDistance(m) {
  if (m >= 1000) return t('kilometres', { n: (m / 1000).toFixed(1) });
  const step = m < 10 ? 1 : m < 100 ? 5 : 10;
  return t('metres', { n: Math.round(m / step) * step });
}

const hasPoint = (p) => Number.isFinite(p?.latitude) && Number.isFinite(p?.longitude);

/**
 * Where a report is being made, as the form says it: the distance to the site (距场所约 35 米), or for a
 * report by grid the grid's name, with the fix's accuracy. Never the raw coordinates: a worker cannot
 * check them against anything, while the distance tells them whether the phone knows they are there.
 */
export function whereText({ fix: at, site = null, gridName = null }) {
  const accuracy = at ? t('locationFixed', { acc: Math.round(at.accuracy_m) }) : t('locationNone');
  if (at && hasPoint(site)) return t('locationNear', { d: roughDistance(distanceM(at, site)), acc: Math.round(at.accuracy_m) });
  if (!site && gridName) return `${t('locationGrid', { grid: gridName })} · ${accuracy}`;
  return accuracy;
}
