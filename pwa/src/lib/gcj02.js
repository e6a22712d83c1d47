/**
 * WGS-84 → GCJ-02 (the "Mars" datum of Chinese web maps such as 高德), the published algorithm (the Krasovsky
 * ellipsoid, a = 6378245 m, e² = 0.00669342162296594323, and the two offset polynomials every implementation carries).
 * Our coordinates stay WGS-84 everywhere; this is used only to draw them on tiles that are drawn in GCJ-02
 * (the map's `crs` from /api/v1/map/tiles). 天地图 is CGCS2000, within centimetres of WGS-84: no shift.
 * Outside China the datum is WGS-84 itself, so points there are left as they are.
 */
const A = 6378245.0;
const EE = 0.006693421622965943; // 0.00669342162296594323, as far as a double holds it
const { PI, sin, cos, sqrt, abs } = Math;

/** Whether a point lies outside the box in which GCJ-02 differs from WGS-84 (the usual rough test). */
export const outOfChina = (lon, lat) => lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;

function shiftLat(x, y) {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x));
  r += ((20.0 * sin(6.0 * x * PI) + 20.0 * sin(2.0 * x * PI)) * 2.0) / 3.0;
  r += ((20.0 * sin(y * PI) + 40.0 * sin((y / 3.0) * PI)) * 2.0) / 3.0;
  r += ((160.0 * sin((y / 12.0) * PI) + 320 * sin((y * PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function shiftLon(x, y) {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x));
  r += ((20.0 * sin(6.0 * x * PI) + 20.0 * sin(2.0 * x * PI)) * 2.0) / 3.0;
  r += ((20.0 * sin(x * PI) + 40.0 * sin((x / 3.0) * PI)) * 2.0) / 3.0;
  r += ((150.0 * sin((x / 12.0) * PI) + 300.0 * sin((x / 30.0) * PI)) * 2.0) / 3.0;
  return r;
}

/** [lon, lat] in WGS-84 → [lon, lat] in GCJ-02. */
export function wgs84ToGcj02(lon, lat) {
  if (outOfChina(lon, lat)) return [lon, lat];
  let dLat = shiftLat(lon - 105.0, lat - 35.0);
  let dLon = shiftLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * PI;
  let magic = sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * PI);
  dLon = (dLon * 180.0) / ((A / sqrtMagic) * cos(radLat) * PI);
  return [lon + dLon, lat + dLat];
}
