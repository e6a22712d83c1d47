/** 待发送: the records made on this phone that the server does not have yet, each with its photos, and why they wait. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { actionName } from '../lib/loop.js';
import { citedPhotos, groupRecords } from '../lib/records.js';
import { groupedCode } from '../lib/tags.js';
import { outbox, state } from '../store.js';
import { Section, categoryName, siteName, useSecondsUntil } from './parts.js';

/** A hazard in a few words: its category, and its description where it says more. */
function hazardWords(hazard) {
  const category = categoryName(hazard.category);
  return hazard.description && hazard.description !== category ? `${category} · ${hazard.description}` : category;
}

/** [title, detail] of a record; photos whose record has gone are named by the hazard they were for, if known. */
function describe({ record, hazardId }) {
  const hazard = state.hazards.find((h) => h.id === hazardId);
  if (record?.kind === 'hazard') return [`${t('kindHazard')} · ${hazardWords(record.json)}`, siteName(record.json.site_id)];
  if (record?.kind === 'inspection') return [`${t('kindInspection')} · ${record.label}`, siteName(record.json.site_id)];
  if (record?.kind === 'correction') return [`${t('kindCorrection')} · ${record.label}`, siteName(record.ref?.siteId)];
  if (record?.kind === 'warning_ack') return [`${t('kindWarningAck')} · ${record.label}`];
  if (record?.kind === 'warning_relay') return [`${t('kindWarningRelay')} · ${record.label}`];
  if (['incident', 'incident_step', 'incident_report', 'disaster_report'].includes(record?.kind)) return [`${t(`kind_${record.kind}`)} · ${record.label}`];
  if (record?.kind === 'checkin') return [`${t('kindCheckin')} · ${siteName(record.ref?.siteId) || groupedCode(record.json.code)}`];
  if (record) return [`${actionName(state.vocab, record.json.action)}${hazard ? ` · ${hazardWords(hazard)}` : ''}`];
  return hazard ? [hazardWords(hazard), siteName(hazard.site_id)] : [t('kindPhoto')];
}

/** A photo still on the phone, from the bytes the outbox keeps; its object URL is let go when it leaves the screen. */
function Thumb({ item, n }) {
  const [src, setSrc] = useState(null);
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([item.bytes], { type: item.headers?.['Content-Type'] || 'image/jpeg' }));
    setSrc(url);
    return () => URL.revokeObjectURL(url);
  }, [item.id]);
  return src && html`<img class="thumb" src=${src} alt=${t('queuedPhotoAlt', { n })} width="64" height="64" />`;
}

async function retryAll(items) {
  for (const item of items) await outbox.retry(item.id); // photos first: a record goes after what it cites
}

async function discardAll(items) {
  if (!confirm(t('confirmDiscard'))) return;
  for (const item of items) await outbox.discard(item.id);
}

function Record({ entry }) {
  const { record, photos, photoCount, photosSent } = entry;
  const items = record ? [...photos, record] : photos;
  const refused = items.filter((i) => i.status === 'attention');
  const [title, detail] = describe(entry);
  // A photo keeps its number in the record (photo 2 is still photo 2 once photo 1 has gone).
  const number = (photo) => (record ? citedPhotos(record).indexOf(photo.id) : photos.indexOf(photo)) + 1;
  return html`<li class="row item">
    <span class="row-title">${title}</span>
    ${detail && html`<span class="row-desc">${detail}</span>`}
    <span class="muted small">${formatTime(new Date(entry.createdAt).toISOString())}
      ${items.some((i) => i.id === state.outbox.sending) ? ` · ${t('outboxSending')}` : ''}</span>
    ${photoCount > 0 && html`<span class="small">${record ? t('photosProgress', { sent: photosSent, total: photoCount })
      : t('photosWaiting', { n: photoCount })}</span>`}
    ${photos.length > 0 && html`<ul class="thumbs compact">${photos.map((p) => html`<li key=${p.id}>
      <${Thumb} item=${p} n=${number(p)} /></li>`)}</ul>`}
    ${refused.map((i) => html`<p class="error" key=${i.id}>
      ${i.kind === 'photo' ? t('refusedPhoto', { n: number(i) }) : ''}${t('serverSaid', { msg: i.error?.message })} (${i.error?.status})</p>`)}
    ${refused.length > 0 && html`<div class="inline">
      <button type="button" onClick=${() => retryAll(refused)}>${t('retryItem')}</button>
      <button type="button" class="danger" onClick=${() => discardAll(refused)}>${t('discardItem')}</button>
    </div>`}
  </li>`;
}

/** This user's records on the phone, in the order made. */
function myRecords() {
  const me = state.session.user.id;
  return groupRecords(state.items.filter((i) => !i.userId || i.userId === me));
}

function RecordList({ entries, testid }) {
  return html`<ul class="list" data-testid=${testid}>${entries.map((r) => html`<${Record} key=${r.id} entry=${r} />`)}</ul>`;
}

/** On the home screen: only the records that need the user (the header line says what else waits). */
export function OutboxAttention() {
  const attention = myRecords().filter((r) => r.status === 'attention');
  return attention.length ? html`<${Section} id="h-attention" title=${t('outboxAttentionTitle')}>
    <${RecordList} entries=${attention} /><//>` : null;
}

/** Why what is queued waits: offline it goes by itself when the network is back; online the user may push it. */
function Waiting() {
  const { nextAttemptAt, sending } = state.outbox;
  const retryIn = useSecondsUntil(nextAttemptAt);
  if (!state.online) return html`<p class="notice" role="status">${t('outboxOfflineHint')}</p>`;
  const why = sending ? t('outboxSending') : retryIn ? t('outboxRetryIn', { s: retryIn }) : '';
  return html`<div class="inline">
    <button type="button" class="primary" onClick=${() => outbox.retry()}>${t('retryNow')}</button>
    ${why && html`<span class="muted">${why}</span>`}
  </div>`;
}

export function Outbox() {
  const records = myRecords();
  const attention = records.filter((r) => r.status === 'attention');
  const queued = records.filter((r) => r.status === 'queued');
  return html`<main id="main">
    <h1 tabindex="-1">${t('outboxTitle')}</h1>
    ${!records.length && html`<p class="muted">${t('outboxEmpty')}</p>`}
    ${attention.length > 0 && html`<${Section} id="h-attention" title=${t('outboxAttentionTitle')}>
      <${RecordList} entries=${attention} testid="outbox-attention" /><//>`}
    ${queued.length > 0 && html`<${Section} id="h-queued" title=${t('outboxQueuedTitle')}>
      <${Waiting} />
      <${RecordList} entries=${queued} testid="outbox-queued" /><//>`}
  </main>`;
}
