/** Small pieces shared by the screens: the outbox line, hazard rows, state badges, countdowns, photos. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatDate, formatTime, named, t } from '../i18n/index.js';
import { serverNow } from '../lib/clock.js';
import { call } from '../lib/api.js';
import { actionName, actionsOf, flagNames, stateName } from '../lib/loop.js';
import { seenAt } from '../lib/view.js';
import { state } from '../store.js';

/** Whole seconds until `at` (ms), re-rendering each second until then: a retry's countdown counts down. */
export function useSecondsUntil(at) {
  const [, tick] = useState(0);
  const left = at > Date.now() ? Math.ceil((at - Date.now()) / 1000) : 0;
  useEffect(() => {
    if (!left) return undefined;
    const timer = setTimeout(() => tick((n) => n + 1), 1000);
    return () => clearTimeout(timer);
  });
  return left;
}

/** The header's outbox line, in records (a report with its photos is one): progress, and why it waits. */
export function OutboxStatus({ compact = false }) {
  const { sending, paused, nextAttemptAt, records } = state.outbox;
  const { queued, attention, sent, total } = records;
  const retryIn = useSecondsUntil(nextAttemptAt);
  let detail = '';
  if (paused) detail = t('outboxPaused');
  else if (sending) detail = t('outboxSending');
  else if (queued && !state.online) detail = t('outboxWaitingNet');
  else if (queued && retryIn) detail = t('outboxRetryIn', { s: retryIn });
  const main = queued + attention === 0 ? t('outboxAllSent') : t('outboxProgress', { sent, total });
  return html`<a href="#/outbox" class=${`outbox-status${attention ? ' warn' : ''}${compact ? ' compact' : ''}`}
      data-testid="outbox-status">
    <span>${main}</span>${detail && html` <span>· ${detail}</span>`}
    ${attention > 0 && html` <span class="attention">· ${t('outboxAttention', { n: attention })}</span>`}
  </a>`;
}

export const stateLabel = (s) => stateName(state.vocab, s);

/** A term of the vocabularies by its table and code (检查方式, 行业, 角色…): the server's name, else `fallback`. */
export function vocabName(table, code, fallback) {
  const term = (state.vocab?.[table] || []).find((x) => x.code === code);
  return term ? named(term) : fallback;
}

/** A hazard level's name (一般隐患, 重大隐患), from the vocabularies. */
export const levelName = (code) => vocabName('hazard_levels', code, code === 'major' ? t('levelMajor') : t('levelGeneral'));

export function StateBadge({ hazard }) {
  const p = hazard.pending;
  return html`<span class=${`badge st-${hazard.state}`}>${stateLabel(hazard.state)}</span>
    ${(hazard.flags || []).map((code) => [code, flagNames(state.vocab, { flags: [code] })[0]]).filter(([, name]) => name)
    .map(([code, name]) => html` <span key=${code} class=${`badge flag flag-${code}`}>${name}</span>`)}
    ${p && p.action !== 'report' && html` <span class=${`badge ${p.status === 'attention' ? 'st-attention' : 'st-queued'}`}>
      ${actionName(state.vocab, p.action)} · ${p.status === 'attention' ? t('needsAttention') : t('queued')}</span>`}
    ${p && p.action === 'report' && p.status === 'attention' && html` <span class="badge st-attention">${t('needsAttention')}</span>`}`;
}

/** Minutes left of the 30-minute acknowledgement target, on the server's clock. */
export function Countdown({ due }) {
  const [, tick] = useState(0);
  useEffect(() => { const timer = setInterval(() => tick((n) => n + 1), 15_000); return () => clearInterval(timer); }, []);
  const left = Math.round((Date.parse(due) - serverNow()) / 60_000);
  return html`<span class=${`countdown${left < 0 ? ' late' : left <= 10 ? ' soon' : ''}`}>
    ${left >= 0 ? t('ackCountdown', { m: left }) : t('ackOverdue', { m: -left })}</span>`;
}

/** The rectification deadline (整改期限) and the days left of it, or how many days past it, on the server's clock. */
export function Deadline({ due }) {
  const days = Math.ceil((Date.parse(due) - serverNow()) / 86_400_000);
  const late = days <= 0 && Date.parse(due) < serverNow();
  const tone = `countdown${late ? ' late' : days <= 2 ? ' soon' : ''}`;
  const left = late ? t('deadlineOverdue', { n: Math.max(1, 1 - days) }) : t('deadlineLeft', { n: days });
  return html`<span class=${tone}>${t('deadlineOn', { d: formatDate(due) })}</span>${' '}<span class=${tone}>${left}</span>`;
}

export function categoryName(code) {
  const c = state.categories.find((x) => x.code === code);
  return c ? (document.documentElement.lang === 'en' ? c.name_en : c.name_zh) : code;
}

export const siteName = (id) => state.sites.find((s) => s.id === id)?.name;

/**
 * One hazard in a list. `clock`: which of its clocks the row shows: the station's 30 minutes to acknowledge (ack),
 * the rectification deadline (deadline: for those who rectify or follow rectification), or both. `detail(hazard)`:
 * a line of what comes next; `onOpen(hazard)`: called as it is opened.
 */
export function HazardRow({ hazard, clock = 'ack', detail, onOpen }) {
  const where = siteName(hazard.site_id) || '';
  const ack = clock !== 'deadline' && hazard.state === 'reported' && hazard.ack_due_at && !hazard.pending;
  const deadline = clock !== 'ack' && hazard.state === 'rectifying' && hazard.deadline && !hazard.pending;
  const next = detail?.(hazard);
  return html`<li class="row"><a href=${`#/hazard/${hazard.id}`} onClick=${onOpen && (() => onOpen(hazard))}>
    <span class="row-title">${categoryName(hazard.category)}${hazard.level === 'major' ? ` · ${levelName('major')}` : ''}${where ? ` · ${where}` : ''}</span>
    <span class="row-meta"><${StateBadge} hazard=${hazard} />
      ${ack && html` <${Countdown} due=${hazard.ack_due_at} />`}
      ${deadline && html` <${Deadline} due=${hazard.deadline} />`}
      <span class="muted"> ${formatTime(seenAt(hazard))}</span></span>
    ${hazard.description && html`<span class="row-desc">${hazard.description}</span>`}
    ${next && html`<span class="row-next">${next}</span>`}
  </a></li>`;
}

/** Hazards as rows; `limit`: how many show before a button shows them all. */
export function HazardList({ hazards, empty = t('noHazards'), clock, detail, onOpen, limit = Infinity }) {
  const [all, setAll] = useState(false);
  if (!hazards.length) return html`<p class="muted">${empty}</p>`;
  const shown = all ? hazards : hazards.slice(0, limit);
  return html`<ul class="list">${shown.map((h) => html`<${HazardRow} key=${h.id} hazard=${h} clock=${clock}
    detail=${detail} onOpen=${onOpen} />`)}</ul>
    ${shown.length < hazards.length && html`<button type="button" class="link" onClick=${() => setAll(true)}>
      ${t('showAll', { n: hazards.length })}</button>`}`;
}

/** What the user may do about a hazard, named (可操作：受理、下达整改意见), or null if nothing. */
export function canDo(hazard) {
  const known = actionsOf(state.vocab);
  const names = (hazard.allowed_actions || []).filter((a) => known.has(a)).map((a) => actionName(state.vocab, a));
  return names.length ? t('canDo', { actions: names.join('、') }) : null;
}

/**
 * A photo's picture as a blob: URL: from the outbox while it waits on the phone, else the server's `copy` (thumb,
 * 320 px, or display, 1600 px) fetched with the token. {src: null until it is there, local, failed}.
 */
export function usePhotoUrl(id, copy) {
  const [shown, setShown] = useState({ src: null, failed: false });
  const local = state.items.find((i) => i.id === id && i.kind === 'photo');
  useEffect(() => {
    let url = null;
    let gone = false;
    setShown({ src: null, failed: false });
    (async () => {
      let blob;
      if (local) blob = new Blob([local.bytes], { type: 'image/jpeg' });
      else if (state.online) {
        const photo = (await call(`photos/${id}`).catch(() => null))?.data;
        const address = photo?.urls?.[copy];
        if (address) blob = await (await fetch(address, { headers: { Authorization: `Bearer ${state.session.token}` } })).blob();
      }
      if (gone) return;
      if (blob) { url = URL.createObjectURL(blob); setShown({ src: url, failed: false }); } else setShown({ src: null, failed: true });
    })().catch(() => { if (!gone) setShown({ src: null, failed: true }); });
    return () => { gone = true; if (url) URL.revokeObjectURL(url); };
  }, [id, copy, !!local]);
  return { ...shown, local: !!local };
}

/** A photo's thumbnail (96 px): from the outbox while it waits on the phone, else the server's. */
export function Photo({ id, n }) {
  const { src, local } = usePhotoUrl(id, 'thumb');
  const alt = t('photoAlt', { n });
  return src ? html`<img class="thumb" src=${src} alt=${alt} width="96" height="96" />`
    : html`<span class="thumb placeholder" role="img" aria-label=${`${alt}: ${local ? t('photoLocal') : t('photoPending')}`}>${local ? t('queued') : '…'}</span>`;
}

export function Section({ title, children, id }) {
  return html`<section aria-labelledby=${id}><h2 id=${id}>${title}</h2>${children}</section>`;
}
