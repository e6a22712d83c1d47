/**
 * 我的任务 (`#/tasks`): the user's tasks from the feed, offline, filtered 待办 / 已完成 / 已逾期; and 辖区检查任务
 * (`#/tasks/area`): the tasks in a station's or department's scope, read online (GET /tasks), with who does each and
 * a way to give it to someone else: one of those who may do it (GET /tasks/<id>/candidates: its grid's first, then
 * the street's), or back to the office, chosen explicitly (PATCH /tasks/<id> with If-Match; a refusal said in Chinese
 * beside the task).
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { call, get } from '../lib/api.js';
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

// Who may take a task depends on its grid, its kind and its sector alone: asked once a kind of task (the first such
// task's candidates, GET /tasks/<id>/candidates, nearest its grid first), not once a row.
const candidatesOf = new Map();
function readCandidates(task) {
  const key = `${task.grid_id}:${task.assignee}:${task.sector || ''}`;
  if (!candidatesOf.has(key)) {
    candidatesOf.set(key, get(`tasks/${task.id}/candidates`).catch((error) => { candidatesOf.delete(key); throw error; }));
  }
  return candidatesOf.get(key);
}

/** Those the server would accept for the task, its grid's (nearness 0) apart from the rest of the street's. */
function useCandidates(task) {
  const [people, setPeople] = useState([]);
  useEffect(() => { readCandidates(task).then(setPeople).catch(() => setPeople([])); }, [task.grid_id, task.assignee]);
  return people;
}

// the picker's explicit choice of no one: the office takes the task back
const OFFICE = 'office';

function Reassign({ task, onDone }) {
  const people = useCandidates(task).filter((p) => p.id !== task.assignee_id);
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(null);
  const id = `assign-${task.id}`;
  async function send() {
    // Nothing chosen is not "back to the office": that is a choice of its own, made on purpose.
    if (!to) { setProblem(t('taskChooseFirst')); return; }
    setBusy(true);
    setProblem(null);
    try {
      // The version listed, checked against the server's before changing it: someone else may have given it away.
      const { data, response } = await call(`tasks/${task.id}`);
      if (data.version !== task.version) { setProblem(t('taskChanged')); setTo(''); onDone(data); return; }
      const sent = await call(`tasks/${task.id}`, { method: 'PATCH', json: { assignee_id: to === OFFICE ? null : to },
        headers: { 'If-Match': response.headers.get('ETag') } });
      setTo('');
      onDone(sent.data);
    } catch (error) {
      const found = refusal(error, ['assignee_id']);
      setProblem(error.status === 412 ? t('taskChanged')
        : t('taskAssignRefused', { msg: found.assignee_id || found[''] || error.message }));
    } finally {
      setBusy(false);
    }
  }
  const near = people.filter((p) => p.nearness === 0);
  const far = people.filter((p) => p.nearness !== 0);
  const options = (list) => list.map((p) => html`<option key=${p.id} value=${p.id}>${p.name}</option>`);
  return html`<div class="inline assign">
    <label for=${id} class="visually-hidden">${t('taskAssignTo', { site: task.site_name })}</label>
    <select id=${id} value=${to} onChange=${(e) => { setTo(e.currentTarget.value); setProblem(null); }}>
      <option value="" disabled>${t('taskChooseFirst')}</option>
      ${near.length > 0 && html`<optgroup label=${t('taskAssignGrid')}>${options(near)}</optgroup>`}
      ${far.length > 0 && html`<optgroup label=${t('taskAssignStreet')}>${options(far)}</optgroup>`}
      ${task.assignee_id && html`<option value=${OFFICE}>${t('taskBackToOffice')}</option>`}
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
