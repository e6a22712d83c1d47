/** The phone's position (WGS-84, as the Geolocation API gives it), captured when a record is made. */
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
