import { describe, expect, it } from 'vitest';
import { isPeriod, lastPeriod, levelsFor, periodBefore, periodOf, periodParts, recentPeriods } from '../src/lib/scorecards.js';

describe('the two-month periods of the scorecards (双月考核)', () => {
  it('counts periods in Wuhan: B1 is January and February, B6 November and December', () => {
    expect(periodOf(Date.parse('2026-12-04T10:00:00+08:00'))).toBe('2026-B6');
    expect(periodOf(Date.parse('2026-02-28T23:30:00+08:00'))).toBe('2026-B1');
    // 16:30 UTC on 28 February is already 1 March in Wuhan
    expect(periodOf(Date.parse('2026-02-28T16:30:00Z'))).toBe('2026-B2');
    expect(periodParts('2026-B6')).toEqual({ year: 2026, n: 6, first: 11, last: 12 });
  });

  it('opens on the last period ended, and offers this one and those before it', () => {
    const now = Date.parse('2027-01-05T09:00:00+08:00');
    expect(lastPeriod(now)).toBe('2026-B6');
    expect(periodBefore('2026-B1')).toBe('2025-B6');
    expect(recentPeriods(now, 3)).toEqual(['2027-B1', '2026-B6', '2026-B5', '2026-B4']);
    expect(isPeriod('2026-B3') && !isPeriod('2026-B7') && !isPeriod('2026-03')).toBe(true);
  });

  it('gives the district both levels, a station its street, a department its own', () => {
    const district = { level: 'district' };
    expect(levelsFor([{ role: 'supervisor', area: district }])).toEqual(['street', 'department']);
    expect(levelsFor([{ role: 'station_officer', area: { level: 'street' } }])).toEqual(['street']);
    expect(levelsFor([{ role: 'department_officer', sector: 'market', area: district }])).toEqual(['department']);
    expect(levelsFor([{ role: 'grid_worker', area: { level: 'grid' } }])).toEqual([]);
  });
});
