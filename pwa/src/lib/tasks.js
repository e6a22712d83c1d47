/**
 * The user's patrol tasks (检查任务) as the home and 我的任务 show them, pure: grouped by due date in Asia/Shanghai
 * (overdue, today, this week, later), this month's coverage (done / planned, as the server counts it: the tasks whose
 * period starts in the month, cancelled ones left out), and whether an inspection submitted on this phone will do a
 * task once the server has it (已提交，待确认). The server alone marks a task done.
 */

// Asia/Shanghai keeps UTC+8 all year (see dates.js): its calendar day is arithmetic.
const SHANGHAI_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** The Asia/Shanghai day of `ms` (or of an ISO time), as the server writes dates: "2026-12-04". */
export const shanghaiDay = (ms) => new Date((typeof ms === 'string' ? Date.parse(ms) : ms) + SHANGHAI_MS)
  .toISOString().slice(0, 10);

/** The Sunday ending the ISO week (Monday to Sunday) that holds `day`. */
export function weekEnd(day) {
  const date = new Date(`${day}T00:00:00Z`);
  const fromMonday = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() + (6 - fromMonday) * DAY_MS).toISOString().slice(0, 10);
}

/** The user's task: assigned to them, or a draw's they were drawn for beside its lead (co_inspector_ids). */
export const isMine = (task, me) => task.assignee_id === me || (task.co_inspector_ids || []).includes(me);

/** Still to be done by the user: open, or missed but still doable by an inspection made within its period. */
export const isToDo = (task) => task.state === 'open' || task.state === 'missed';

/** Past its due date and not done (the server's `overdue`, or missed; or open and due before today here). */
export const isOverdue = (task, today) => task.state === 'missed' || (task.state === 'open' && task.due_date < today);

/** An inspection on this phone, sent or waiting to be, that will do `task` once the server has it. */
export function pendingInspection(task, inspections) {
  return inspections.find((i) => i.status !== 'draft' && i.siteId === task.site_id && i.finishedAt
    && (i.template?.family_id ?? i.templateId) === task.template_family_id
    && shanghaiDay(i.finishedAt) >= task.period_start && shanghaiDay(i.finishedAt) <= task.period_end) ?? null;
}

const byDue = (a, b) => a.due_date.localeCompare(b.due_date) || String(a.site_name).localeCompare(String(b.site_name), 'zh-CN');

/** The tasks still to do, by when they are due: {overdue, today, week, later}, each soonest first. */
export function groupTasks(tasks, now = Date.now()) {
  const today = shanghaiDay(now);
  const sunday = weekEnd(today);
  const groups = { overdue: [], today: [], week: [], later: [] };
  for (const task of [...tasks].filter(isToDo).sort(byDue)) {
    if (isOverdue(task, today)) groups.overdue.push(task);
    else if (task.due_date === today) groups.today.push(task);
    else if (task.due_date <= sunday) groups.week.push(task);
    else groups.later.push(task);
  }
  return groups;
}

/** This month's coverage (本月已巡查 done/planned): the tasks whose period starts in the month, cancelled ones out. */
export function monthCoverage(tasks, now = Date.now()) {
  const month = shanghaiDay(now).slice(0, 7);
  const planned = tasks.filter((task) => task.state !== 'cancelled' && task.period_start.slice(0, 7) === month);
  const done = planned.filter((task) => task.state === 'done').length;
  return { planned: planned.length, done, left: planned.length - done };
}

/** The filters of 我的任务: to do (待办), done (已完成), overdue (已逾期). */
export const FILTERS = ['todo', 'done', 'overdue'];

export function filterTasks(tasks, filter, now = Date.now()) {
  const today = shanghaiDay(now);
  const chosen = filter === 'done' ? tasks.filter((task) => task.state === 'done')
    : filter === 'overdue' ? tasks.filter((task) => isOverdue(task, today)) : tasks.filter(isToDo);
  return [...chosen].sort(byDue);
}
