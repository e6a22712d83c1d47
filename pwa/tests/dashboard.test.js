import { describe, expect, it } from 'vitest';
import { drillHref, recentMonths } from '../src/lib/dashboard.js';

describe('the dashboard', () => {
  it('opens a hazard figure as the hazard list asked of the server, with the figure query', () => {
    const figure = { count: 3, list: { path: '/api/v1/hazards', query: { area_id: '2', overdue: 'true' } } };
    expect(drillHref(figure)).toBe('#/hazards?server=1&area_id=2&overdue=true');
  });

  it('gives other lists no link (they have no screen that takes their query)', () => {
    expect(drillHref({ count: 1, list: { path: '/api/v1/checkins', query: { flagged: 'true' } } })).toBeNull();
    expect(drillHref(undefined)).toBeNull();
  });

  it('offers the last 12 months in Asia/Shanghai, newest first, across a new year', () => {
    // 31 December 2026 at 17:00 UTC is already 1 January 2027 in Shanghai
    const months = recentMonths(Date.parse('2026-12-31T17:00:00Z'));
    expect(months).toHaveLength(12);
    expect(months[0]).toBe('2027-01');
    expect(months[1]).toBe('2026-12');
    expect(months[11]).toBe('2026-02');
  });
});
