/**
 * The grid worker's 任务 on the home (with the app: the first screen of most phones): this month's coverage line, the
 * tasks to do by when they are due, each a row that starts the site's inspection on the task's checklist (offline,
 * from the feed's copy). 我的任务 (tasks.js, lazy) lists them all with filters.
 */
import { html } from 'htm/preact';
import { formatDate, t } from '../i18n/index.js';
import { groupTasks, isOverdue, monthCoverage, pendingInspection, shanghaiDay } from '../lib/tasks.js';
import { state } from '../store.js';
import { vocabName } from './parts.js';

/** A task's state by the vocabularies (待检查, 已完成, 逾期未检). */
export const taskStateName = (code) => vocabName('task_states', code, t(`taskState_${code}`));

/** Where a task's row leads: its inspection once done or submitted here, else starting one on its checklist. */
export function taskHref(task, pending) {
  if (pending) return `#/inspection/${pending.id}`;
  if (task.state === 'done' && task.inspection_id) return `#/inspection/${task.inspection_id}`;
  if (task.state === 'done') return null;
  return `#/inspect/${task.site_id}${task.template_id ? `?template=${task.template_id}` : ''}`;
}

/** One task: site, checklist, due date; 已逾期 in red; 已提交，待确认 while the server has not said it is done. */
export function TaskRow({ task, showAssignee = false, children }) {
  const pending = task.state !== 'done' ? pendingInspection(task, state.inspections) : null;
  const overdue = !pending && isOverdue(task, shanghaiDay(Date.now()));
  const href = taskHref(task, pending);
  let status = null;
  if (pending) status = html`<span class="badge provisional" data-testid="task-pending">${t('taskPending')}</span>`;
  else if (task.state === 'done') {
    status = html`<span class="badge">${taskStateName('done')}</span>${task.flagged ? html` <span class="badge flag">${t('taskFlagged')}</span>` : ''}`;
  } else if (overdue) status = html`<span class="badge flag" data-testid="task-overdue">${t('taskOverdue')}</span>`;
  const body = html`<span class="row-title">${task.site_name}</span>
    <span class="row-meta">${task.template_name || t('taskNoChecklist')}</span>
    <span class="row-meta small">${status} <span class=${overdue ? 'error' : 'muted'}>${t('taskDue', { date: formatDate(task.due_date) })}</span>
      ${showAssignee ? html` · <span class="muted" data-testid="task-assignee">${task.assignee_name || t('taskUnassigned')}</span>` : ''}</span>`;
  return html`<li class=${`row${href && !children ? '' : ' item'}`} data-testid="task" data-task-id=${task.id}
    data-state=${pending ? 'pending' : task.state}>${href ? html`<a href=${href}>${body}</a>` : body}${children}</li>`;
}

/** Tasks as rows; `limit`: how many show (the rest are in 我的任务). */
export function TaskList({ tasks, empty, limit = Infinity }) {
  if (!tasks.length) return html`<p class="muted">${empty}</p>`;
  return html`<ul class="list">${tasks.slice(0, limit).map((task) => html`<${TaskRow} key=${task.id} task=${task} />`)}</ul>
    ${tasks.length > limit && html`<p class="muted small">${t('tasksMore', { n: tasks.length - limit })}</p>`}`;
}

/** 本月已巡查 12/40，待巡查 28: the server's done against the month's planned, as the feed last brought them. */
export function CoverageLine({ tasks = state.tasks }) {
  const { planned, done, left } = monthCoverage(tasks);
  if (!planned) return null;
  return html`<p class="coverage" data-testid="task-coverage">
    <strong>${t('coverageLine', { done, planned })}</strong> <span class="muted">${t('coverageLeft', { n: left })}</span></p>`;
}

const GROUPS = [['overdue', 'tasksOverdue'], ['today', 'tasksToday'], ['week', 'tasksThisWeek'], ['later', 'tasksLater']];

/** The home's 任务: the coverage line, then overdue, today, this week and the rest of the period. */
export function TasksSection() {
  if (!state.tasks.length) return null;
  const groups = groupTasks(state.tasks);
  return html`<section aria-labelledby="h-tasks" data-testid="tasks">
    <h2 id="h-tasks">${t('tasksTitle')}</h2>
    <${CoverageLine} />
    ${GROUPS.filter(([key]) => groups[key].length || key === 'today').map(([key, title]) => html`
      <h3 key=${key} class=${`task-group${key === 'overdue' ? ' error' : ''}`} id=${`h-tasks-${key}`}>
        ${t(title, { n: groups[key].length })}</h3>
      <div key=${`${key}-list`} data-testid=${`tasks-${key}`}><${TaskList} tasks=${groups[key]} empty=${t('tasksNoneToday')}
        limit=${key === 'later' ? 5 : Infinity} /></div>`)}
    <p><a href="#/tasks" class="button wide">${t('myTasksOpen')}</a></p>
  </section>`;
}
