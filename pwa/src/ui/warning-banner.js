/**
 * 预警 on every recipient's home: the warnings in force (and those cancelled today), each with 已阅 and, for a grid
 * worker, 已传达 with the households told and optionally a photo, queued offline through the outbox like any record.
 * Part of the first screen (ui/home.js); the district's screens are a chunk of their own (ui/warnings.js).
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { latestWarnings, needsAck, needsRelay } from '../lib/warnings.js';
import { acknowledgeWarning, relayWarning, state } from '../store.js';
import { PhotoPicker } from './photo-picker.js';

function Badge({ w }) {
  if (w.msg_type === 'cancel') return html`<span class="badge warn-ended">${t('warnCancelled')}</span>`;
  if (w.msg_type === 'update') return html`<span class="badge warn-changed">${t('warnUpdated')}</span>`;
  return null;
}

function Owed({ w }) {
  const r = w.receipt;
  if (!r || w.msg_type === 'cancel') return null;
  const queued = (status) => (status === 'attention' ? t('needsAttention') : t('queued'));
  return html`<p class="small warn-owed" data-testid="warning-receipt">
    ${r.acknowledged_at ? t('warnReadAt', { time: formatTime(r.ack_done_at || r.acknowledged_at) })
    : w.pending.ack || w.pending.relay ? `${t('warnRead')} · ${queued(w.pending.ack || w.pending.relay)}` : t('warnUnread')}
    ${r.must_relay && (r.relayed_at ? ` · ${t('warnRelayedN', { n: r.households ?? 0 })}`
    : w.pending.relay ? ` · ${t('warnRelayed')} · ${queued(w.pending.relay)}` : ` · ${t('warnNotRelayed')}`)}
  </p>`;
}

function RelayForm({ w }) {
  const [open, setOpen] = useState(false);
  const [households, setHouseholds] = useState('');
  const [photos, setPhotos] = useState([]);
  const [error, setError] = useState(null);
  if (!open) {
    return html`<button type="button" onClick=${() => setOpen(true)} data-testid="warning-relay">${t('warnRelay')}</button>`;
  }
  const save = async (event) => {
    event.preventDefault();
    const n = Number(households);
    if (households === '' || !Number.isInteger(n) || n < 0) { setError(t('warnHouseholdsNeeded')); return; }
    await relayWarning(w, { households: n, photos });
  };
  return html`<form class="stack warn-relay" onSubmit=${save}>
    <label for=${`households-${w.id}`}>${t('warnHouseholds')}</label>
    <input id=${`households-${w.id}`} type="number" inputmode="numeric" min="0" max="100000" value=${households}
      onInput=${(e) => { setHouseholds(e.currentTarget.value); setError(null); }} />
    <${PhotoPicker} id=${`relay-photo-${w.id}`} label=${t('warnRelayPhoto')} photos=${photos} setPhotos=${setPhotos} size="small" />
    ${error && html`<p role="alert" class="error">${error}</p>`}
    <button type="submit" class="primary" data-testid="warning-relay-save">${t('warnRelayConfirm')}</button>
  </form>`;
}

export function WarningCard({ w }) {
  return html`<article class=${`warning lv-${w.level}${w.msg_type === 'cancel' ? ' ended' : ''}`} data-testid="warning"
      aria-label=${w.title}>
    <h3><span class="warn-title">${w.title}</span> <${Badge} w=${w} /></h3>
    <p class="warn-headline">${w.headline}</p>
    ${w.msg_type !== 'cancel' && w.instruction && html`<p class="warn-instruction"><strong>${t('warnInstruction')}</strong>${w.instruction}</p>`}
    ${w.description && html`<p class="small">${w.description}</p>`}
    <p class="muted small">${w.sender_name} · ${(w.area_names || []).join('、')} ·
      ${t('warnUntil', { time: formatTime(w.expires_at) })}</p>
    <${Owed} w=${w} />
    <div class="inline">
      ${needsAck(w) && html`<button type="button" class="primary" onClick=${() => acknowledgeWarning(w)}
        data-testid="warning-ack">${t('warnAck')}</button>`}
      ${needsRelay(w) && html`<${RelayForm} key=${w.id} w=${w} />`}
    </div>
  </article>`;
}

/** The home screen's banner: the warnings in force for the user (and those cancelled today), the most severe first. */
export function WarningBanner() {
  const shown = latestWarnings(state.warnings, state.items);
  if (!shown.length) return null;
  return html`<section class="warnings" aria-labelledby="h-warnings" data-testid="warning-banner">
    <h2 id="h-warnings">${t('warnBanner', { n: shown.length })}</h2>
    ${shown.map((w) => html`<${WarningCard} key=${w.id} w=${w} />`)}
  </section>`;
}
