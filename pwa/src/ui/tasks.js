/**
 * 我的任务 (`#/tasks`): the user's tasks from the feed, offline, filtered 待办 / 已完成 / 已逾期; and 辖区检查任务
 * (`#/tasks/area`): the tasks in a station's or department's scope, read online (GET /tasks), with who does each and
 * a way to give it to someone else (PATCH /tasks/<id> with If-Match; a refusal said in Chinese beside the task).
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { call, get } from '../lib/api.js';
import { colleagues } from '../lib/kept.js';
import { refusal } from '../lib/refusal.js';
import { FILTERS, filterTasks } from '../lib/tasks.js';
import { state } from '../store.js';
import { CoverageLine, TaskList, TaskRow } from './task-parts.js';

export function MyTasks() {
  const [filter, setFilter] = useState('todo');
  const shown = filterTasks(state.tasks, filter);
  return html`<main id="main">
    <h1 tabindex="-1">${t('myTasksTitle')}</h1>
    <${CoverageLine} />
    <div class="filter-buttons" role="group" aria-label=${t('taskFilter')}>
      ${FILTERS.map((key) => html`<button key=${key} type="button" aria-pressed=${filter === key ? 'true' : 'false'}
        class=${filter === key ? 'primary' : ''} onClick=${() => setFilter(key)}>${t(`taskFilter_${key}`)}</button>`)}
    </div>
    <p class="muted small" role="status">${t('tasksCount', { n: shown.length })}</p>
    <div data-testid="task-list"><${TaskList} tasks=${shown} empty=${t(`tasksNone_${filter}`)} /></div>
  </main>`;
}

// ---- the offices' view: their area's tasks, and reassigning ----

// the role whose holders do each kind of task (the server's ASSIGNEE_ROLES)
const DOERS = { grid_worker: 'grid_worker', station: 'station_officer', department: 'department_officer',
  enforcement: 'enforcement_officer' };

/** The people a task may go to: those holding its kind's role where the reader works (the user too, if they do). */
function useCandidates(kind) {
  const [people, setPeople] = useState([]);
  useEffect(() => {
    const role = DOERS[kind];
    const me = state.session.user;
    const mine = me.roles.some((r) => r.role === role) ? [{ id: me.id, name: me.name }] : [];
    colleagues(role).then(({ value }) => setPeople([...mine, ...value])).catch(() => setPeople(mine));
  }, [kind]);
  return people;
}

function Reassign({ task, onDone }) {
  const people = useCandidates(task.assignee);
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(null);
  const id = `assign-${task.id}`;
  async function send() {
    setBusy(true);
    setProblem(null);
    try {
      // The version listed, checked against the server's before changing it: someone else may have given it away.
      const { data, response } = await call(`tasks/${task.id}`);
      if (data.version !== task.version) { setProblem(t('taskChanged')); onDone(data); return; }
      const sent = await call(`tasks/${task.id}`, { method: 'PATCH', json: { assignee_id: to || null },
        headers: { 'If-Match': response.headers.get('ETag') } });
      onDone(sent.data);
    } catch (error) {
      const found = refusal(error, ['assignee_id']);
      setProblem(error.status === 412 ? t('taskChanged')
        : t('taskAssignRefused', { msg: found.assignee_id || found[''] || error.message }));
    } finally {
      setBusy(false);
    }
  }
  return html`<div class="inline assign">
    <label for=${id} class="visually-hidden">${t('taskAssignTo', { site: task.site_name })}</label>
    <select id=${id} value=${to} onChange=${(e) => setTo(e.currentTarget.value)}>
      <option value="">${t('taskBackToOffice')}</option>
      ${people.filter((p) => p.id !== task.assignee_id).map((p) => html`<option key=${p.id} value=${p.id}>${p.name}</option>`)}
    </select>
    <button type="button" disabled=${busy || !state.online} onClick=${send}>${t('taskReassign')}</button>
    ${problem && html`<p class="error" role="alert" data-testid="assign-problem">${problem}</p>`}
  </div>`;
}

export function AreaTasks() {
  const [found, setFound] = useState({ tasks: null, error: null });
  const [filter, setFilter] = useState('todo');
  const read = () => get('tasks?page_size=100&state=open')
    .then((tasks) => setFound({ tasks, error: null })).catch((error) => setFound({ tasks: null, error }));
  useEffect(() => { read(); }, [state.online]);
  const replace = (task) => setFound(({ tasks }) => ({ tasks: tasks.map((x) => (x.id === task.id ? task : x)), error: null }));
  const tasks = found.tasks ? filterTasks(found.tasks, filter) : [];
  return html`<main id="main">
    <h1 tabindex="-1">${t('areaTasksTitle')}</h1>
    <p class="muted small">${t('areaTasksHint')}</p>
    ${found.error && html`<p class="notice warn" role="alert">${found.error.status === 0 ? t('areaTasksOffline') : found.error.message}</p>`}
    ${found.tasks && html`
      <div class="filter-buttons" role="group" aria-label=${t('taskFilter')}>
        ${['todo', 'overdue'].map((key) => html`<button key=${key} type="button" aria-pressed=${filter === key ? 'true' : 'false'}
          class=${filter === key ? 'primary' : ''} onClick=${() => setFilter(key)}>${t(`taskFilter_${key}`)}</button>`)}
      </div>
      <p class="muted small" role="status">${t('tasksCount', { n: tasks.length })}</p>
      ${tasks.length ? html`<ul class="list" data-testid="area-tasks">${tasks.map((task) => html`<${TaskRow} key=${task.id}
        task=${task} showAssignee><${Reassign} task=${task} onDone=${replace} /><//>`)}</ul>`
    : html`<p class="muted">${t('tasksNone_todo')}</p>`}`}
  </main>`;
}
