import { describe, expect, it } from 'vitest';
import { filterTasks, groupTasks, monthCoverage, pendingInspection, shanghaiDay, weekEnd } from '../src/lib/tasks.js';

// Thursday 3 December 2026, 23:30 in Wuhan (15:30 UTC): the phone's day is Shanghai's, not UTC's.
const NOW = Date.parse('2026-12-03T15:30:00Z');
const task = (id, due, state = 'open', extra = {}) => ({ id, site_name: `场所${id}`, due_date: due, state,
  period_start: '2026-12-01', period_end: '2026-12-31', site_id: `s${id}`, template_family_id: 'f1', ...extra });

describe('tasks by due date (Asia/Shanghai)', () => {
  it('counts the day and the week in Wuhan', () => {
    expect(shanghaiDay(Date.parse('2026-12-03T16:30:00Z'))).toBe('2026-12-04'); // 00:30 on the 4th there
    expect(weekEnd('2026-12-03')).toBe('2026-12-06');
    expect(weekEnd('2026-12-07')).toBe('2026-12-13'); // a Monday
    expect(weekEnd('2026-12-06')).toBe('2026-12-06'); // a Sunday ends its own week
  });

  it('groups the tasks to do as overdue, today, this week and later, soonest first, done ones left out', () => {
    const tasks = [
      task('1', '2026-12-31'), task('2', '2026-12-03'), task('3', '2026-12-06'), task('4', '2026-12-02'),
      task('5', '2026-11-30', 'missed'), task('6', '2026-12-04'), task('7', '2026-12-03', 'done'), task('8', '2026-12-07'),
    ];
    const groups = groupTasks(tasks, NOW);
    const ids = Object.fromEntries(Object.entries(groups).map(([key, list]) => [key, list.map((t) => t.id)]));
    expect(ids).toEqual({ overdue: ['5', '4'], today: ['2'], week: ['6', '3'], later: ['8', '1'] });
  });

  it('at 00:30 in Wuhan, yesterday\'s task (by UTC still today) is overdue', () => {
    const groups = groupTasks([task('1', '2026-12-03')], Date.parse('2026-12-03T16:30:00Z'));
    expect(groups.overdue.map((t) => t.id)).toEqual(['1']);
  });
});

describe('this month\'s coverage', () => {
  it('counts done against planned for the tasks whose period starts this month, cancelled ones out', () => {
    const tasks = [task('1', '2026-12-31', 'done'), task('2', '2026-12-31'), task('3', '2026-12-31', 'done', { flagged: true }),
      task('4', '2026-12-31', 'cancelled'), task('5', '2026-11-30', 'missed', { period_start: '2026-11-01' }),
      task('6', '2026-12-06', 'missed', { period_start: '2026-11-30' })];
    expect(monthCoverage(tasks, NOW)).toEqual({ planned: 2 + 1, done: 2, left: 1 });
  });

  it('moves by one when the server says a task is done', () => {
    const tasks = [task('1', '2026-12-31'), task('2', '2026-12-31')];
    expect(monthCoverage(tasks, NOW)).toMatchObject({ done: 0, planned: 2 });
    tasks[0] = { ...tasks[0], state: 'done' };
    expect(monthCoverage(tasks, NOW)).toMatchObject({ done: 1, planned: 2 });
  });
});

describe('my tasks', () => {
  it('filters to do, done and overdue', () => {
    const tasks = [task('1', '2026-12-31'), task('2', '2026-12-02'), task('3', '2026-12-31', 'done')];
    expect(filterTasks(tasks, 'todo', NOW).map((t) => t.id)).toEqual(['2', '1']);
    expect(filterTasks(tasks, 'done', NOW).map((t) => t.id)).toEqual(['3']);
    expect(filterTasks(tasks, 'overdue', NOW).map((t) => t.id)).toEqual(['2']);
  });

  it('finds the inspection submitted here that will do a task: its site, its checklist, within its period', () => {
    const submitted = (id, extra) => ({ id, status: 'queued', siteId: 's1', finishedAt: '2026-12-03T10:00:00+08:00',
      template: { family_id: 'f1' }, ...extra });
    const inspections = [submitted('draft', { status: 'draft' }), submitted('other-site', { siteId: 's2' }),
      submitted('other-checklist', { template: { family_id: 'f2' } }),
      submitted('last-month', { finishedAt: '2026-11-30T23:00:00+08:00' }), submitted('this-one')];
    expect(pendingInspection(task('1', '2026-12-31'), inspections)?.id).toBe('this-one');
    expect(pendingInspection(task('1', '2026-12-31'), inspections.slice(0, 4))).toBeNull();
  });
});

describe('whose task it is', () => {
  it('is the assignee\'s, and a draw\'s is each co-inspector\'s too', async () => {
    const { isMine } = await import('../src/lib/tasks.js');
    expect(isMine({ assignee_id: 'a' }, 'a')).toBe(true);
    expect(isMine({ assignee_id: 'a', co_inspector_ids: ['b'] }, 'b')).toBe(true);
    expect(isMine({ assignee_id: 'a', co_inspector_ids: ['b'] }, 'c')).toBe(false);
    expect(isMine({ assignee_id: null }, 'c')).toBe(false);
  });
});
