/**
 * 隐患详情: the hazard (who reported it, where, its major-hazard record), its photos, documents and history, and the
 * actions the server says the user may take next (allowed_actions). Each action is queued with If-Match; a 412
 * shows the conflict, a 409 the reason.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatDate, formatTime, t } from '../i18n/index.js';
import { get } from '../lib/api.js';
import { actionName, actionsOf, changeBody, eventDetails, formOf } from '../lib/loop.js';
import { colleagues } from '../lib/kept.js';
import { seenAt } from '../lib/view.js';
import { outbox, refreshOne, state, transition } from '../store.js';
import { Documents } from './documents.js';
import { MajorHazard } from './major-hazard.js';
import { categoryName, Countdown, siteName, StateBadge, stateLabel } from './parts.js';
import { PhotoGallery } from './photo-viewer.js';
import { PhotoPicker } from './photo-picker.js';

/** The help under a field: the server's, and for a new deadline the one in force now. */
function hintOf({ name, kind, hint }, hazard) {
  const current = kind === 'date' && name === 'deadline' && hazard.deadline
    ? t('currentDeadline', { d: formatTime(hazard.deadline, { year: true }) }) : '';
  return [current, hint].filter(Boolean).join(' · ');
}

function Choices({ id, label, choices, required, name, values, set }) {
  return html`<fieldset><legend>${label}</legend><div class="tiles two">
    ${choices.map((c, i) => html`<div class="tile" key=${i}><input id=${`${id}-${i}`} type="radio" name=${id}
      required=${required} checked=${values[name] === c.value} onChange=${() => set(name, c.value)} />
      <label for=${`${id}-${i}`}>${c.label}</label></div>`)}
  </div></fieldset>`;
}

/**
 * A colleague to pick (kind "officer": a second signing officer, an expert to invite), from those holding the
 * field's role where the user works: read online and kept, so that offline the list last read is offered. An
 * enforcement officer without a certificate number cannot sign, so is shown but cannot be picked.
 */
function OfficerPicker({ id, field, value, onChange, described }) {
  const [found, setFound] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    colleagues(field.role).then(setFound).catch(() => setFailed(true));
  }, [field.role]);
  if (failed) return html`<p id=${id} class="notice warn" role="status">${t('pickNeedsNetwork')}</p>`;
  if (!found) return html`<p id=${id} class="muted">${t('loadingColleagues')}</p>`;
  const signs = field.role === 'enforcement_officer';
  return html`<select id=${id} required=${field.required} value=${value} onChange=${onChange} aria-describedby=${described}>
      <option value="">${found.value.length ? t('chooseDuplicate') : t('noColleagues')}</option>
      ${found.value.map((c) => html`<option key=${c.id} value=${c.id} disabled=${signs && !c.certificate_no}>
        ${c.name}${signs ? ` · ${c.certificate_no ? t('certificateNo', { no: c.certificate_no }) : t('noCertificate')}` : ''}</option>`)}
    </select>${found.stale && html`<p class="muted small">${t('colleaguesKept', { time: formatTime(found.at) })}</p>`}`;
}

function Field({ field, action, values, set, hazard, decision }) {
  const { name, kind, label, required, parts, choices } = field;
  const id = `f-${action}-${name}`;
  if (kind === 'plan') {
    return parts.map((p) => html`<${Field} key=${p.name} field=${{ ...p, name: `${name}.${p.name}`, required }}
      action=${action} values=${values} set=${set} hazard=${hazard} />`);
  }
  if (field === decision) return null; // its answers are the form's buttons
  const value = values[name] ?? '';
  const onInput = (e) => set(name, e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value);
  if (kind === 'photos') return html`<${PhotoPicker} id=${id} label=${label} photos=${values.photos || []} setPhotos=${(p) => set('photos', p)} />`;
  if (choices.length) return html`<${Choices} id=${id} label=${label} choices=${choices} required=${required} name=${name} values=${values} set=${set} />`;
  if (kind === 'bool') {
    return html`<div class="check"><input id=${id} type="checkbox" checked=${!!values[name]} onChange=${onInput} /><label for=${id}>${label}</label></div>`;
  }
  const hint = hintOf(field, hazard);
  const described = hint ? `${id}-hint` : undefined;
  let control;
  if (kind === 'textarea') {
    control = html`<textarea id=${id} rows="3" required=${required} value=${value} onInput=${onInput}
      aria-describedby=${described}></textarea>`;
  } else if (kind === 'date') {
    control = html`<input id=${id} type="date" required=${required} value=${value} onInput=${onInput} aria-describedby=${described} />`;
  } else if (kind === 'sector') {
    control = html`<select id=${id} required=${required} value=${value} onChange=${onInput}>
      <option value="">${t('chooseDuplicate')}</option>
      ${(state.vocab?.sectors || []).map((s) => html`<option value=${s.code}>${document.documentElement.lang === 'en' ? s.en : s.zh}</option>`)}
    </select>`;
  } else if (kind === 'officer') {
    control = html`<${OfficerPicker} id=${id} field=${field} value=${value} onChange=${onInput} described=${described} />`;
  } else if (kind === 'hazard') {
    const others = state.hazards.filter((h) => h.id !== hazard.id && h.street_id === hazard.street_id
      && !['rejected', 'merged', 'queued'].includes(h.state));
    control = html`<select id=${id} required=${required} value=${value} onChange=${onInput}>
      <option value="">${t('chooseDuplicate')}</option>
      ${others.map((h) => html`<option value=${h.id}>${categoryName(h.category)} · ${siteName(h.site_id) || ''} · ${formatTime(seenAt(h))}</option>`)}
    </select>`;
  } else control = html`<input id=${id} required=${required} value=${value} onInput=${onInput} aria-describedby=${described} />`;
  return html`<label for=${id}>${label}</label>${control}${hint && html`<p id=${described} class="hint">${hint}</p>`}`;
}

function ActionForm({ hazard, action, onDone }) {
  const [values, setValues] = useState(() => (['issue_notice', 'order_rectification'].includes(action)
    ? { responsible_party: hazard.responsible_party || state.sites.find((s) => s.id === hazard.site_id)?.enterprise?.name || '' }
    : {}));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name, value) => setValues((v) => ({ ...v, [name]: value }));
  const form = formOf(state.vocab, action);
  // A decision (准予延期 / 不予延期): its answers are the form's buttons, so that what is sent is what was pressed.
  const decision = form.find((f) => f.kind === 'bool' && f.choices.length);
  const photosRequired = form.some((f) => f.kind === 'photos' && f.required);
  async function submit(event) {
    event.preventDefault();
    const chosen = decision && decision.choices[Number(event.submitter?.dataset.choice)];
    if (decision && !chosen) { setError(t('chooseOne', { field: decision.label })); return; }
    if (photosRequired && !(values.photos || []).length) { setError(t('f_photo_ids_required')); return; }
    setBusy(true);
    try {
      const given = decision ? { ...values, [decision.name]: chosen.value } : values;
      await transition(hazard, changeBody(action, form, given), values.photos || []);
      onDone();
    } catch (e) {
      setError(e.message);
      setBusy(false);
    }
  }
  const name = actionName(state.vocab, action);
  return html`<form class="stack action-form" onSubmit=${submit} aria-label=${name}>
    ${decision && html`<button type="submit" disabled hidden aria-hidden="true"></button>`}
    ${form.map((f) => html`<${Field} key=${f.name} field=${f} action=${action} values=${values} set=${set} hazard=${hazard}
      decision=${decision} />`)}
    ${error && html`<p role="alert" class="error">${error}</p>`}
    ${decision
    ? html`<div class="inline decision" role="group" aria-label=${decision.label}>${decision.choices.map((c, i) => html`
        <button key=${i} type="submit" data-choice=${i} class=${c.value === false ? 'danger' : 'primary'} disabled=${busy}>${c.label}</button>`)}</div>`
    : html`<button type="submit" class="primary" disabled=${busy}>${t('confirmAction', { action: name })}</button>`}
  </form>`;
}

function Actions({ hazard }) {
  const [open, setOpen] = useState(null);
  const known = actionsOf(state.vocab);
  const allowed = (hazard.allowed_actions || []).filter((a) => known.has(a));
  if (hazard.pending) return null;
  if (!allowed.length) return html`<p class="muted">${t('noActions')}</p>`;
  return html`<div class="actions">
    ${allowed.map((action) => (known.get(action).fields.length === 0
      ? html`<button key=${action} type="button" class="primary" onClick=${() => transition(hazard, { action })}>${actionName(state.vocab, action)}</button>`
      : html`<button key=${action} type="button" aria-expanded=${open === action}
          onClick=${() => setOpen(open === action ? null : action)}>${actionName(state.vocab, action)}</button>`))}
    ${open && html`<${ActionForm} key=${open} hazard=${hazard} action=${open} onDone=${() => setOpen(null)} />`}
  </div>`;
}

/** The change that waits or was refused: a 412 shows the hazard's state now, a 409 the server's reason. */
function Pending({ hazard }) {
  const p = hazard.pending;
  if (!p || p.action === 'report' && p.status === 'queued') return null;
  const action = actionName(state.vocab, p.action);
  if (p.status !== 'attention') return html`<p class="notice" role="status">${t('pendingAction', { action })}</p>`;
  const current = p.error?.errors?.current?.state;
  const refresh = async () => { await refreshOne(hazard.id).catch(() => {}); await outbox.discard(p.itemId); };
  return html`<div class="notice warn" role="alert">
    <p>${p.error?.status === 412 ? t('conflict', { state: stateLabel(current || hazard.state) }) : t('pendingAttention', { action, msg: p.error?.message })}</p>
    ${p.error?.errors?.allowed && html`<p class="small">${(p.error.errors.allowed || []).map((a) => actionName(state.vocab, a)).join('、')}</p>`}
    <div class="inline">
      ${p.action !== 'report' && html`<button type="button" onClick=${refresh}>${t('refresh')}</button>`}
      <button type="button" onClick=${() => outbox.retry(p.itemId)}>${t('retryItem')}</button>
    </div>
  </div>`;
}

function Timeline({ id }) {
  const [events, setEvents] = useState(null);
  const version = state.hazards.find((h) => h.id === id)?.version;
  useEffect(() => {
    if (!state.online) return;
    get(`hazards/${id}/timeline`).then(setEvents).catch(() => setEvents(null));
  }, [id, version]);
  if (!events) return html`<p class="muted">${t('noTimeline')}</p>`;
  return html`<ol class="timeline">${events.map((e) => html`<li key=${e.seq}>
    <span>${formatTime(e.at)}</span> ${actionName(state.vocab, e.action)}
    ${eventDetails(state.vocab, e, formatDate).map((d) => ` · ${d}`)}
    ${e.to_state && e.to_state !== e.from_state ? ` → ${stateLabel(e.to_state)}` : ''}${e.reason ? `：${e.reason}` : ''}</li>`)}</ol>`;
}

/** A hazard not on this phone yet (a link from a message or a list, before the sync brought it): read it from the
 * server when online, then it is kept like any other; else say why it cannot be shown. */
function MissingHazard({ id }) {
  const [problem, setProblem] = useState(null);
  useEffect(() => {
    if (!state.online) { setProblem('hazardNotHereOffline'); return; }
    refreshOne(id).catch((err) => setProblem(err?.status === 404 ? 'hazardNotFound' : 'hazardNotLoaded'));
  }, [id, state.online]);
  return html`<main id="main"><h1 tabindex="-1">${t('hazardTitle')}</h1>
    <p class="muted" role="status">${t(problem || 'loadingHazard')}</p></main>`;
}

export function Hazard({ id }) {
  const hazard = state.hazards.find((h) => h.id === id);
  if (!hazard) return html`<${MissingHazard} id=${id} />`;
  const site = hazard.site_id ? state.sites.find((s) => s.id === hazard.site_id) : null;
  return html`<main id="main">
    <h1 tabindex="-1">${categoryName(hazard.category)}${hazard.level === 'major' ? ` · ${t('levelMajor')}` : ''}</h1>
    <p><${StateBadge} hazard=${hazard} />
      ${hazard.state === 'reported' && hazard.ack_due_at && html` <${Countdown} due=${hazard.ack_due_at} />`}</p>
    <${Pending} hazard=${hazard} />
    <dl class="facts">
      ${site && html`<dt>${t('siteTitle')}</dt><dd><a class="site-link" href=${`#/site/${site.id}`}>${site.name}</a></dd>
        ${site.address && html`<dt>${t('address')}</dt><dd>${site.address}</dd>`}`}
      <dt>${t('description')}</dt><dd>${hazard.description}</dd>
      ${hazard.reporter_name && html`<dt>${t('reporter')}</dt><dd>${hazard.reporter_name}</dd>`}
      <dt>${t('observedAt')}</dt><dd>${formatTime(seenAt(hazard))}</dd>
      ${hazard.received_at && html`<dt>${t('receivedAt')}</dt><dd>${formatTime(hazard.received_at)}</dd>`}
      ${hazard.responsible_party && html`<dt>${t('responsibleParty')}</dt><dd>${hazard.responsible_party}</dd>`}
      ${hazard.deadline && html`<dt>${t('deadline')}</dt><dd>${formatTime(hazard.deadline, { year: true })}</dd>`}
    </dl>
    <${PhotoGallery} photos=${hazard.photos || []} />
    ${hazard.level === 'major' && html`<${MajorHazard} hazard=${hazard} />`}
    <h2>${t('actions')}</h2>
    <${Actions} hazard=${hazard} />
    <h2>${t('documents')}</h2>
    <${Documents} id=${hazard.id} />
    <h2>${t('timeline')}</h2>
    <${Timeline} id=${hazard.id} />
  </main>`;
}
