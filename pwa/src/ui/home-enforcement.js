/**
 * 执法人员的首页: the enforcement orders (责令限期整改指令书) they issued or co-signed that are still open, each with
 * its deadline or how long it is overdue; and the hazards in their scope they may order rectified now.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { serverNow } from '../lib/clock.js';
import { hazardIds } from '../lib/kept.js';
import { state } from '../store.js';
import { FindHazards } from './hazards.js';
import { categoryName, HazardList, Section, siteName, StateBadge } from './parts.js';

const SHOWN = 10; // the hazards one may order: a district's can be many, the rest are a search away
const DAY = 86_400_000;

/**
 * The hazards of a list filter the sync feed does not carry (`ordered_by=me&open=true`), as the phone holds them:
 * the ids read online (or kept from the last read), the hazards from the synced cache. Read again after each sync.
 * {hazards, ids, stale, at}, hazards null until the first answer; `failed` when there is neither answer nor copy.
 */
export function useHazardList(filter) {
  const [found, setFound] = useState(null);
  const [failed, setFailed] = useState(false);
  const synced = state.sync?.lastSyncAt;
  useEffect(() => {
    let gone = false;
    hazardIds(filter).then((got) => { if (!gone) { setFound(got); setFailed(false); } })
      .catch(() => { if (!gone) setFailed(true); });
    return () => { gone = true; };
  }, [filter, synced, state.online]);
  const ids = new Set(found?.value || []);
  const hazards = found ? state.hazards.filter((h) => ids.has(h.id)) : null;
  return { hazards, ids, stale: !!found?.stale, at: found?.at, failed };
}

/** Where a list stands when it is not fresh from the server: kept from an earlier read, or not read at all. */
export function ListNote({ list }) {
  if (list.failed) return html`<p class="notice warn" role="status">${t('listNeedsNetwork')}</p>`;
  if (list.stale) return html`<p class="muted small">${t('listKept', { time: formatTime(list.at) })}</p>`;
  return null;
}

function DeadlineLine({ deadline }) {
  if (!deadline) return null;
  const left = Date.parse(deadline) - serverNow();
  if (left < 0) {
    return html`<span class="countdown late">${t('orderOverdue', { n: Math.max(1, Math.floor(-left / DAY)) })}</span>`;
  }
  return html`<span class=${`countdown${left < 2 * DAY ? ' soon' : ''}`}>
    ${t('orderDeadline', { d: formatTime(deadline, { year: true }) })}</span>`;
}

function OrderRow({ hazard }) {
  const where = siteName(hazard.site_id) || '';
  return html`<li class="row"><a href=${`#/hazard/${hazard.id}`}>
    <span class="row-title">${categoryName(hazard.category)}${hazard.level === 'major' ? ` · ${t('levelMajor')}` : ''}${where ? ` · ${where}` : ''}</span>
    <span class="row-meta"><${StateBadge} hazard=${hazard} /> <${DeadlineLine} deadline=${hazard.deadline} /></span>
    ${hazard.responsible_party && html`<span class="row-desc">${hazard.responsible_party}</span>`}
  </a></li>`;
}

const byDeadline = (a, b) => String(a.deadline).localeCompare(String(b.deadline)); // the most overdue first

export function EnforcementHome() {
  const orders = useHazardList('ordered_by=me&open=true');
  const open = (orders.hazards || []).sort(byDeadline);
  const orderable = state.hazards
    .filter((h) => (h.allowed_actions || []).includes('order_rectification') && !orders.ids.has(h.id))
    .sort((a, b) => (b.level === 'major') - (a.level === 'major')); // major hazards first
  return html`
    <${FindHazards} />
    <${Section} id="h-orders" title=${t('myOrders', { n: open.length })}>
      <${ListNote} list=${orders} />
      ${orders.hazards && (open.length
    ? html`<ul class="list">${open.map((h) => html`<${OrderRow} key=${h.id} hazard=${h} />`)}</ul>`
    : html`<p class="muted">${t('noOrders')}</p>`)}
    <//>
    <${Section} id="h-orderable" title=${t('orderable', { n: orderable.length })}>
      <${HazardList} hazards=${orderable.slice(0, SHOWN)} empty=${t('noOrderable')} />
      ${orderable.length > SHOWN && html`<p class="muted small">${t('shownFirst', { n: SHOWN })}</p>`}
    <//>`;
}
