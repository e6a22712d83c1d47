import { describe, expect, it } from 'vitest';
import { outOfChina, wgs84ToGcj02 } from '../src/lib/gcj02.js';

// Published reference pairs, from the tests of well-known implementations of the same algorithm.
describe('WGS-84 → GCJ-02', () => {
  it('matches coordtransform (wandergis) as tested by hutool and coordtransform-rs: Tiananmen', () => {
    const [lon, lat] = wgs84ToGcj02(116.404, 39.915);
    expect(lon).toBeCloseTo(116.41024449916938, 12);
    expect(lat).toBeCloseTo(39.91640428150164, 12);
  });

  // These two implementations round a constant differently: they agree to about 1e-7 degrees (a centimetre).
  it('matches a Python implementation\'s test point (40 N, 116 E) to the centimetre', () => {
    const [lon, lat] = wgs84ToGcj02(116.0, 40.0);
    expect(lon).toBeCloseTo(116.006141221789, 6);
    expect(lat).toBeCloseTo(40.001213650174, 6);
  });

  it('matches geotool\'s test point near Shanghai, where the shift goes south, to the centimetre', () => {
    const [lon, lat] = wgs84ToGcj02(121.0917077, 30.6107779);
    expect(lon).toBeCloseTo(121.09626935575027, 6);
    expect(lat).toBeCloseTo(30.608604331756705, 6);
  });

  it('is the inverse of gcoord\'s GCJ-02 → WGS-84 test point (123 E, 45 N) to 1e-5', () => {
    const [lon, lat] = wgs84ToGcj02(122.99395597, 44.99804071);
    expect(lon).toBeCloseTo(123, 5);
    expect(lat).toBeCloseTo(45, 5);
  });

  it('moves a point in Jianghan by a few hundred metres, and leaves one outside China alone', () => {
    const [lon, lat] = wgs84ToGcj02(114.2702, 30.5901);
    const metres = Math.hypot((lon - 114.2702) * 96000, (lat - 30.5901) * 111000);
    expect(metres).toBeGreaterThan(300);
    expect(metres).toBeLessThan(800);
    expect(outOfChina(2.35, 48.85)).toBe(true);
    expect(wgs84ToGcj02(2.35, 48.85)).toEqual([2.35, 48.85]);
  });
});
