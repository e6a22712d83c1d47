import { describe, expect, it, vi } from 'vitest';
import { formatTime, loadLang, setLang } from '../src/i18n/index.js';
import { timeParts } from '../src/lib/dates.js';

// setLang remembers the choice and retitles the page: a store and a page that keep nothing.
vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => {} });
vi.stubGlobal('document', { documentElement: {}, title: '' });

// 3 December 2026, 10:00 in Wuhan: what "today" and "this year" mean below.
const NOW = Date.parse('2026-12-03T10:00:00+08:00');

describe('how much of a time a screen shows', () => {
  it('shows only the time for today, the date for another day, the year for another year', () => {
    expect(timeParts('2026-12-03T08:15:00+08:00', { now: NOW })).toEqual({ date: false, year: false });
    expect(timeParts('2026-12-02T23:59:00+08:00', { now: NOW })).toEqual({ date: true, year: false });
    expect(timeParts('2025-12-30T09:00:00+08:00', { now: NOW })).toEqual({ date: true, year: true });
  });

  it('counts days in Wuhan, not in UTC or the phone\'s zone', () => {
    // 00:30 in Wuhan on the 3rd is still the 2nd in UTC: today all the same.
    expect(timeParts('2026-12-02T16:30:00Z', { now: NOW }).date).toBe(false);
    // New Year's Eve 23:30 UTC is already the next year in Wuhan.
    const newYear = Date.parse('2027-01-01T09:00:00+08:00');
    expect(timeParts('2026-12-31T23:30:00Z', { now: newYear })).toEqual({ date: false, year: false });
    expect(timeParts('2026-12-31T15:30:00Z', { now: newYear })).toEqual({ date: true, year: true });
  });

  it('always shows the year of a deadline, even today\'s', () => {
    expect(timeParts('2026-12-03T18:00:00+08:00', { now: NOW, year: true })).toEqual({ date: true, year: true });
  });

  it('formats accordingly in both languages', async () => {
    setLang('zh-CN');
    expect(formatTime('2026-12-03T08:15:00+08:00', { now: NOW })).toBe('08:15');
    expect(formatTime('2026-12-01T14:05:00+08:00', { now: NOW })).toBe('12/01 14:05');
    expect(formatTime('2025-12-30T14:05:00+08:00', { now: NOW })).toBe('2025/12/30 14:05');
    expect(formatTime('2026-12-10T17:00:00+08:00', { now: NOW, year: true })).toBe('2026/12/10 17:00');
    expect(formatTime('2026-11-01T14:05:00+08:00', { now: NOW, date: false })).toBe('14:05');
    await loadLang('en');
    expect(formatTime('2026-12-10T17:00:00+08:00', { now: NOW, year: true })).toBe('10/12/2026, 17:00');
    expect(formatTime('2026-12-01T14:05:00+08:00', { now: NOW })).toBe('01/12, 14:05');
    setLang('zh-CN');
  });
});
