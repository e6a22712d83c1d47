/** 待发送: what waits, what is being sent, and what needs attention with the server's reason. */
import { html } from 'htm/preact';
import { formatTime, t } from '../i18n/index.js';
import { actionName } from '../lib/loop.js';
import { outbox, state } from '../store.js';
import { OutboxStatus, categoryName } from './parts.js';

const KIND = { photo: 'kindPhoto', hazard: 'kindHazard', checkin: 'kindCheckin', transition: 'kindTransition' };

function describe(item) {
  if (item.kind === 'hazard') return `${categoryName(item.json.category)} · ${item.json.description}`;
  if (item.kind === 'transition') return actionName(state.vocab, item.json.action);
  if (item.kind === 'checkin') return item.json.code;
  return '';
}

function Item({ item }) {
  const attention = item.status === 'attention';
  return html`<li class="row item">
    <span class="row-title">${t(KIND[item.kind] || 'kindTransition')} · ${describe(item)}</span>
    <span class="muted small">${formatTime(new Date(item.createdAt).toISOString())}
      ${state.outbox.sending === item.id ? ` · ${t('outboxSending')}` : ''}</span>
    ${attention && html`<p class="error">${t('serverSaid', { msg: item.error?.message })} (${item.error?.status})</p>
      <div class="inline">
        <button type="button" onClick=${() => outbox.retry(item.id)}>${t('retryItem')}</button>
        <button type="button" class="danger" onClick=${() => confirm(t('confirmDiscard')) && outbox.discard(item.id)}>${t('discardItem')}</button>
      </div>`}
  </li>`;
}

/** What waits and what needs attention, for this user; on the home screen only what is not empty. */
export function OutboxLists({ hideEmpty = false }) {
  const me = state.session.user.id;
  const items = state.items.filter((i) => !i.userId || i.userId === me);
  const queued = items.filter((i) => i.status === 'queued');
  const attention = items.filter((i) => i.status === 'attention');
  const testid = (name) => (hideEmpty ? undefined : name); // one set of test ids: the outbox screen's
  return html`
    ${(attention.length || !hideEmpty) && html`<section aria-labelledby="h-attention"><h2 id="h-attention">${t('outboxAttentionTitle')}</h2>
      ${attention.length ? html`<ul class="list" data-testid=${testid('outbox-attention')}>${attention.map((i) => html`<${Item} key=${i.id} item=${i} />`)}</ul>`
        : html`<p class="muted">—</p>`}</section>`}
    ${(queued.length || !hideEmpty) && html`<section aria-labelledby="h-queued"><h2 id="h-queued">${t('outboxQueuedTitle')}</h2>
      ${queued.length ? html`<ul class="list" data-testid=${testid('outbox-queued')}>${queued.map((i) => html`<${Item} key=${i.id} item=${i} />`)}</ul>`
        : html`<p class="muted">${t('outboxEmpty')}</p>`}</section>`}`;
}

export function Outbox() {
  return html`<main id="main">
    <h1 tabindex="-1">${t('outboxTitle')}</h1>
    <${OutboxStatus} />
    ${state.outbox.queued > 0 && html`<button type="button" class="primary" onClick=${() => outbox.retry()}>${t('retryNow')}</button>`}
    <${OutboxLists} />
  </main>`;
}
