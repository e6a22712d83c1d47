import { describe, expect, it } from 'vitest';
import { assessmentFamilies, assessmentRows, isMonth, lastMonth, monthBefore, monthOf, monthsSinceFirst, rankingKeys,
  recentMonths, scoreText, summonsTarget } from '../src/lib/rankings.js';

describe('months as the server counts them (Asia/Shanghai)', () => {
  it('puts the first half hour of a month in Wuhan in that month, though UTC is still in the one before', () => {
    expect(monthOf('2026-10-31T16:30:00Z')).toBe('2026-11');
    expect(monthOf('2026-10-31T15:59:59Z')).toBe('2026-10');
  });
  it('opens on last month, across a new year', () => {
    expect(lastMonth(Date.parse('2027-01-10T02:00:00Z'))).toBe('2026-12');
    expect(lastMonth(Date.parse('2026-12-31T17:00:00Z'))).toBe('2026-12'); // already 1 January in Wuhan
    expect(monthBefore('2026-03')).toBe('2026-02');
  });
  it('offers this month and the twelve before it, newest first', () => {
    const months = recentMonths(Date.parse('2026-12-03T08:00:00Z'));
    expect(months).toHaveLength(13);
    expect(months.slice(0, 3)).toEqual(['2026-12', '2026-11', '2026-10']);
    expect(months.at(-1)).toBe('2025-12');
  });
  it('accepts a month only as YYYY-MM', () => {
    expect(isMonth('2026-11')).toBe(true);
    expect([isMonth('2026-13'), isMonth('2026-1'), isMonth(null), isMonth('x')]).toEqual([false, false, false, false]);
  });
});

const templates = [
  { id: 'g1', family_id: 'gas', kind: 'assessment', state: 'archived', number: 1, name: '加油站考核（旧）' },
  { id: 'g2', family_id: 'gas', kind: 'assessment', state: 'published', number: 2, name: '加油站安全考核' },
  { id: 'g3', family_id: 'gas', kind: 'assessment', state: 'draft', number: 3, name: '加油站考核（草稿）' },
  { id: 'm1', family_id: 'mall', kind: 'assessment', state: 'published', number: 1, name: '商场考核' },
  { id: 'p1', family_id: 'patrol', kind: 'patrol', state: 'published', number: 1, name: '社区巡查' },
];

describe('the assessment checklists to choose from', () => {
  it('lists each assessment family once, by its newest version not a draft, and no patrol checklist', () => {
    expect(assessmentFamilies(templates)).toEqual([ // in pinyin order: jia before shang
      { family_id: 'gas', name: '加油站安全考核' }, { family_id: 'mall', name: '商场考核' }]);
  });
});

describe("an enterprise's assessments", () => {
  const families = Object.fromEntries(templates.map((t) => [t.id, { family_id: t.family_id, kind: t.kind }]));
  const inspections = [
    { id: 'a', template_id: 'g1', site_id: 's1', mode: 'cross_assessment', finished_at: '2026-10-20T02:00:00Z' },
    { id: 'b', template_id: 'g2', site_id: 's1', mode: 'cross_assessment', finished_at: '2026-11-20T02:00:00Z' },
    { id: 'c', template_id: 'g2', site_id: 's1', mode: 'self_check', finished_at: '2026-11-21T02:00:00Z' },
    { id: 'd', template_id: 'p1', site_id: 's1', mode: 'routine_patrol', finished_at: '2026-11-22T02:00:00Z' },
    { id: 'e', template_id: 'unknown', site_id: 's1', mode: 'cross_assessment', finished_at: '2026-11-23T02:00:00Z' },
  ];
  const rankings = { 'gas/2026-11': { ranked: 5, units: [{ site_id: 's1', rank: 5, summon: true }] } };

  it('keeps the assessments (any version of the checklist), newest first, with their month and rank', () => {
    const rows = assessmentRows(inspections, families, rankings);
    expect(rows.map((r) => [r.inspection.id, r.family_id, r.month])).toEqual([['b', 'gas', '2026-11'], ['a', 'gas', '2026-10']]);
    expect(rows[0].place).toEqual({ rank: 5, of: 5, summon: true });
    expect(rows[1].place).toBeNull(); // October's ranking not read
  });
  it('asks for each month ranking once', () => {
    expect(rankingKeys(assessmentRows(inspections, families))).toEqual(['gas/2026-11', 'gas/2026-10']);
  });
});

describe('a summons from the inbox', () => {
  it('points at its checklist, month and unit, or at nothing when not among those read', () => {
    const list = [{ id: 'x', family_id: 'gas', month: '2026-11', site_id: 's1' }];
    expect(summonsTarget(list, 'x')).toEqual({ family: 'gas', month: '2026-11', site: 's1' });
    expect(summonsTarget(list, 'y')).toBeNull();
  });
});

it('shows a score with one decimal at most, and a dash for none', () => {
  expect([scoreText(83.333), scoreText(100), scoreText(null)]).toEqual(['83.3', '100', '—']);
});

it("shows a unit's months from its first assessment, the newest first", () => {
  const months = [{ month: '2026-08', assessed: false }, { month: '2026-09', assessed: true },
    { month: '2026-10', assessed: false }, { month: '2026-11', assessed: true }];
  expect(monthsSinceFirst(months).map((m) => m.month)).toEqual(['2026-11', '2026-10', '2026-09']);
  expect(monthsSinceFirst([{ month: '2026-11', assessed: false }])).toEqual([]);
});
