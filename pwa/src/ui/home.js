/** 首页: what each role does today, first. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { markRead, state, syncNow } from '../store.js';
import { navigate } from '../router.js';
import { compactCode } from '../lib/tags.js';
import { OPEN_STATES } from '../lib/view.js';
import { HazardList, Section } from './parts.js';
import { OutboxAttention } from './outbox.js';
import { SiteList } from './site-list.js';
import { draftsOf, MyInspections, ResumeDrafts } from './inspection-parts.js';
import { lazy } from './lazy.js';
import { TasksSection } from './task-parts.js';
import { ConflictsLink, DECLARING_ROLES } from './draws-link.js';
// 预警: the warnings in force for the user, first on every home, with the first screen (no loading note, offline)
import { WarningBanner } from './warning-banner.js';
import { EmergencyLinks } from './emergency-links.js';

// The grid worker's home comes with the app, the first screen of most phones; the other roles' homes are one chunk
// (home-roles.js), loaded when such a home first opens and precached like the rest.
const roleHome = (name) => lazy(() => import('./home-roles.js'), name);
const StationHome = roleHome('StationHome');
const EnterpriseHome = roleHome('EnterpriseHome');
const DepartmentHome = roleHome('DepartmentHome');
const SupervisorHome = roleHome('SupervisorHome');
const EnforcementHome = roleHome('EnforcementHome');
const ExpertHome = roleHome('ExpertHome');
const AdminHome = roleHome('AdminHome');
const SummaryHeadline = roleHome('SummaryHeadline');

export const rolesOf = (user) => new Set((user?.roles || []).map((r) => r.role));

/** The roles that work from an office over many hazards: they get the hazard list (隐患查询). */
export const OFFICE_ROLES = ['station_officer', 'department_officer', 'enforcement_officer', 'expert', 'supervisor', 'admin'];

function CodeEntry() {
  const [code, setCode] = useState('');
  const [error, setError] = useState(null);
  const submit = (event) => {
    event.preventDefault();
    const compact = compactCode(code);
    if (!compact) { setError(t('codeInvalid')); return; }
    navigate(`/tag/${compact}`);
  };
  return html`<form class="code-entry" onSubmit=${submit}>
    <label for="tag-code">${t('enterCode')}</label>
    <div class="inline">
      <input id="tag-code" autocomplete="off" autocapitalize="characters" spellcheck="false" value=${code}
        aria-describedby="tag-code-hint" onInput=${(e) => { setCode(e.currentTarget.value); setError(null); }} />
      <button type="submit">${t('open')}</button>
    </div>
    <p id="tag-code-hint" class="muted small">${t('codeHint')}</p>
    ${error && html`<p role="alert" class="error">${error}</p>`}
  </form>`;
}

// A notification about a hazard opens it; one about a summons (约谈) opens its checklist's month ranked; one about a
// warning (预警) the warnings; one about an incident (突发事件) the incident; a ledger built (台账) the ledgers with its
// download; a reminder of a disaster's report owed (灾情初报, 续报) the disaster; another is a line to read.
const noteHref = (n) => (n.hazard_id ? `#/hazard/${n.hazard_id}`
  : n.record_type === 'summons' && n.record_id ? `#/rankings?summons=${n.record_id}`
    : n.record_type === 'warning' ? '#/warnings'
      : n.record_type === 'incident' && n.record_id ? `#/incident/${n.record_id}`
        : n.record_type === 'ledger' ? '#/ledgers'
          : n.record_type === 'disaster' && n.record_id ? `#/disaster/${n.record_id}` : null);
const noteLine = (n) => html`<span class="row-title">${n.title}</span><span class="muted small">${formatTime(n.created_at)}</span>`;

function Inbox() {
  const notes = state.notifications.slice(0, 20);
  return html`<${Section} id="h-inbox" title=${t('inbox')}>
    ${notes.length ? html`<ul class="list">${notes.map((n) => html`<li key=${n.id} class=${`row${noteHref(n) ? '' : ' item'}${n.read_at ? '' : ' unread'}`}>
      ${noteHref(n) ? html`<a href=${noteHref(n)} onClick=${() => markRead(n)}>${noteLine(n)}</a>` : noteLine(n)}</li>`)}</ul>`
    : html`<p class="muted">${t('noMessages')}</p>`}
  <//>`;
}

function SyncLine() {
  const s = state.sync;
  return html`<p class="muted small sync-line">
    ${state.syncing ? t('syncing') : s?.lastSyncAt ? t('lastSync', { time: formatTime(new Date(s.lastSyncAt).toISOString()) }) : t('neverSynced')}
    ${state.syncError && html` · <span class="error">${t('syncFailed', { msg: state.syncError })}</span>`}
    ${' '}<button type="button" class="link" onClick=${() => syncNow()} disabled=${state.syncing || !state.online}>${t('syncNow')}</button>
  </p>`;
}

function GridWorker() {
  const open = state.hazards.filter((h) => OPEN_STATES.has(h.state));
  return html`
    <a href="#/scan" class="button primary huge">${t('scan')}</a>
    <${CodeEntry} />
    <${TasksSection} />
    <${Section} id="h-sites" title=${t('mySites')}><${SiteList} sites=${state.sites} id="my-sites" /><//>
    <${Section} id="h-open" title=${t('openHazards')}><${HazardList} hazards=${open} /><//>`;
}

export function Home() {
  const roles = rolesOf(state.session.user);
  return html`<main id="main">
    <h1 tabindex="-1">${t('todayWork')}</h1>
    <${WarningBanner} />
    <${OutboxAttention} />
    <${SyncLine} />
    <${EmergencyLinks} />
    ${draftsOf().length > 0 && html`<${Section} id="h-drafts" title=${t('unfinishedInspections')}><${ResumeDrafts} /><//>`}
    ${roles.has('grid_worker') && html`<${GridWorker} />`}
    ${roles.has('station_officer') && html`<${StationHome} />`}
    ${roles.has('enterprise_user') && html`<${EnterpriseHome} />`}
    ${roles.has('department_officer') && html`<${DepartmentHome} />`}
    ${roles.has('supervisor') && html`<${SupervisorHome} />`}
    ${roles.has('enforcement_officer') && html`<${EnforcementHome} />`}
    ${roles.has('expert') && html`<${ExpertHome} />`}
    ${DECLARING_ROLES.some((r) => roles.has(r)) && html`<${ConflictsLink} />`}
    ${roles.has('admin') && !roles.has('supervisor') && html`<${SummaryHeadline} />`}
    ${roles.has('admin') && html`<${AdminHome} />`}
    <${MyInspections} />
    <${Inbox} />
  </main>`;
}
