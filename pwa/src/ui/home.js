/** 首页: what each role does today, first. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { markRead, state, syncNow } from '../store.js';
import { navigate } from '../router.js';
import { compactCode } from '../lib/tags.js';
import { OPEN_STATES } from '../lib/view.js';
import { HazardList, Section } from './parts.js';
import { SummaryHeadline } from './summary.js';
import { OutboxAttention } from './outbox.js';
import { AdminHome } from './home-admin.js';

export const rolesOf = (user) => new Set((user?.roles || []).map((r) => r.role));

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

function SiteList({ sites }) {
  if (!sites.length) return html`<p class="muted">${t('noSites')}</p>`;
  return html`<ul class="list">${sites.map((s) => html`<li key=${s.id} class="row">
    <a href=${`#/site/${s.id}`}><span class="row-title">${s.name}</span><span class="row-desc">${s.address}</span></a></li>`)}</ul>`;
}

function Inbox() {
  const notes = state.notifications.slice(0, 20);
  return html`<${Section} id="h-inbox" title=${t('inbox')}>
    ${notes.length ? html`<ul class="list">${notes.map((n) => html`<li key=${n.id} class=${`row${n.read_at ? '' : ' unread'}`}>
      <a href=${n.hazard_id ? `#/hazard/${n.hazard_id}` : '#/'} onClick=${() => markRead(n)}>
        <span class="row-title">${n.title}</span><span class="muted small">${formatTime(n.created_at)}</span></a></li>`)}</ul>`
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
    <${Section} id="h-sites" title=${t('mySites')}><${SiteList} sites=${state.sites} /><//>
    <${Section} id="h-open" title=${t('openHazards')}><${HazardList} hazards=${open} /><//>`;
}

function Station() {
  const by = (s) => state.hazards.filter((h) => h.state === s || h.pending?.from === s);
  // Oldest first: the report closest to its 30-minute limit is at the top.
  const triage = by('reported').sort((a, b) => String(a.ack_due_at).localeCompare(String(b.ack_due_at)));
  return html`
    <${Section} id="h-triage" title=${t('triageQueue', { n: triage.length })}><${HazardList} hazards=${triage} /><//>
    <${Section} id="h-reinspect" title=${t('reinspectQueue', { n: by('submitted').length })}><${HazardList} hazards=${by('submitted')} /><//>
    <${Section} id="h-rectifying" title=${t('rectifyingList', { n: by('rectifying').length })}><${HazardList} hazards=${by('rectifying')} /><//>`;
}

function Enterprise() {
  const notices = state.hazards.filter((h) => h.state === 'rectifying');
  const toHandle = state.hazards.filter((h) => ['queued', 'reported', 'acknowledged'].includes(h.state));
  return html`
    <${Section} id="h-notices" title=${t('notices', { n: notices.length })}><${HazardList} hazards=${notices} /><//>
    <${Section} id="h-tohandle" title=${t('toRectify', { n: toHandle.length })}><${HazardList} hazards=${toHandle} /><//>
    <${Section} id="h-own" title=${t('ownSites')}><${SiteList} sites=${state.sites} /><//>`;
}

function Officer() {
  const open = state.hazards.filter((h) => OPEN_STATES.has(h.state));
  return html`<${Section} id="h-scope" title=${t('hazardsInScope', { n: open.length })}><${HazardList} hazards=${open} /><//>`;
}

export function Home() {
  const roles = rolesOf(state.session.user);
  return html`<main id="main">
    <h1 tabindex="-1">${t('todayWork')}</h1>
    <${OutboxAttention} />
    <${SyncLine} />
    ${roles.has('grid_worker') && html`<${GridWorker} />`}
    ${roles.has('station_officer') && html`<${Station} />`}
    ${roles.has('enterprise_user') && html`<${Enterprise} />`}
    ${(roles.has('supervisor') || roles.has('admin')) && html`<${SummaryHeadline} />`}
    ${roles.has('admin') && html`<${AdminHome} />`}
    ${['department_officer', 'enforcement_officer', 'expert', 'supervisor'].some((r) => roles.has(r))
      && !roles.has('station_officer') && html`<${Officer} />`}
    <${Inbox} />
  </main>`;
}
