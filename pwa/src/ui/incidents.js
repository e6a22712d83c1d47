/**
 * 突发事件信息报送: the field's first report (offline, through the outbox, photos like a hazard report), the street
 * station's queue with the 30-minute clock and its forward action (报区), the district's view (确认接报, 要求续报),
 * the follow-up (续报) and final (终报) forms, the 信息专报 PDF, and the time from receipt to forwarding per street.
 * Offline, the lists and an incident's page show what the phone keeps (the feed's incidents, the server's answers to
 * what it sent, the first reports still waiting to go).
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, named, t } from '../i18n/index.js';
import { call, fetchBlob, get } from '../lib/api.js';
import { meta } from '../lib/db.js';
import { incidentsOnPhone, keptIncident, keptIncidents } from '../lib/incidents.js';
import { localIso, serverNow } from '../lib/clock.js';
import { position, whereText } from '../lib/geo.js';
import { navigate } from '../router.js';
import { flash, incidentReport, incidentStep, outbox, reportIncident, state } from '../store.js';
import { saveFile } from './documents.js';
import { Section } from './parts.js';
import { PhotoPicker } from './photo-picker.js';

const CASUALTIES = ['dead', 'injured', 'missing', 'trapped'];
const ownGridArea = () => state.session.user.roles.find((r) => r.area?.level === 'grid')?.area ?? null;
const roles = () => new Set(state.session.user.roles.map((r) => r.role));

// What a phone that has never been online offers: a sub-type of each kind (the server's list is the truth).
const FALLBACK = [['natural.flood', 'natural', '水旱灾害', 'Flood and drought'],
  ['accident.facility', 'accident', '公共设施和设备事故', 'Public facility or equipment accident'],
  ['accident.fire', 'accident', '火灾事故', 'Fire'],
  ['public_health.epidemic', 'public_health', '传染病疫情', 'Infectious disease outbreak'],
  ['social_security.mass', 'social_security', '群体性事件', 'Mass incident']]
  .map(([code, parent, zh, en]) => ({ code, parent, name_zh: zh, name_en: en }));

/** The national classification: kept on the phone once read (IndexedDB), so that a report offline can name it. */
function useTypes() {
  const [types, setTypes] = useState(null);
  useEffect(() => {
    meta.get('incidentTypes').then((kept) => kept && setTypes(kept)).catch(() => {});
    get('incident-types').then((data) => { setTypes(data); meta.set('incidentTypes', data).catch(() => {}); }).catch(() => {});
  }, []);
  return types ?? FALLBACK;
}
function Counts({ values, setValues, prefix }) {
  return html`<div class="counts">${CASUALTIES.map((k) => html`<label key=${k} for=${`${prefix}-${k}`}>
    <span>${t(`casualty_${k}`)}</span>
    <input id=${`${prefix}-${k}`} type="number" inputmode="numeric" min="0" max="100000" value=${values[k]}
      onInput=${(e) => setValues({ ...values, [k]: Math.max(0, parseInt(e.currentTarget.value, 10) || 0) })} /></label>`)}
  </div>`;
}

export function IncidentNew() {
  const types = useTypes();
  const [kind, setKind] = useState('natural');
  const [type, setType] = useState('natural.flood');
  const [address, setAddress] = useState('');
  const [occurred, setOccurred] = useState(() => localIso().slice(0, 16));
  const [counts, setCounts] = useState({ dead: 0, injured: 0, missing: 0, trapped: 0 });
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState([]);
  const [fix, setFix] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { position().then(setFix); }, []);
  const kinds = ['natural', 'accident', 'public_health', 'social_security'];
  const subtypes = types.filter((x) => x.parent === kind);
  const firstOf = (k) => types.find((x) => x.parent === k)?.code;

  async function save(event) {
    event.preventDefault();
    if (!description.trim()) { setError(t('incidentKnownNeeded')); return; }
    if (!ownGridArea()) { setError(t('incidentNoGrid')); return; }
    setBusy(true);
    const at = new Date(occurred);
    await reportIncident({ gridId: ownGridArea().id, type, address: address.trim(), occurredAt: localIso(at),
      casualties: counts, description: description.trim(), photos, fix: photos[0]?.position || fix });
    photos.forEach((p) => URL.revokeObjectURL(p.previewUrl));
    flash(t('savedQueued'));
    navigate('/', { replace: true });
  }

  return html`<main id="main">
    <h1 tabindex="-1">${t('incidentNewTitle')}</h1>
    <p class="muted small">${t('incidentNewHint')}</p>
    <form onSubmit=${save} class="stack" data-testid="incident-form">
      <fieldset class="tiles two">
        <legend>${t('incidentKind')}</legend>
        ${kinds.map((k) => html`<span class="tile" key=${k}>
          <input type="radio" name="kind" id=${`kind-${k}`} checked=${kind === k}
            onChange=${() => { setKind(k); setType(firstOf(k)); }} />
          <label for=${`kind-${k}`}>${t(`incidentKind_${k}`)}</label></span>`)}
      </fieldset>
      <label for="incident-type">${t('incidentSubtype')}</label>
      <select id="incident-type" value=${type} onChange=${(e) => setType(e.currentTarget.value)}>
        ${subtypes.map((x) => html`<option key=${x.code} value=${x.code}>${named({ zh: x.name_zh, en: x.name_en })}</option>`)}
      </select>
      <label for="incident-address">${t('incidentAddress')}</label>
      <input id="incident-address" maxlength="200" value=${address} placeholder=${t('incidentAddressHint')}
        onInput=${(e) => setAddress(e.currentTarget.value)} />
      <label for="incident-time">${t('incidentOccurred')}</label>
      <input id="incident-time" type="datetime-local" value=${occurred} onInput=${(e) => setOccurred(e.currentTarget.value)} />
      <fieldset><legend>${t('incidentCasualties')}</legend><${Counts} values=${counts} setValues=${setCounts} prefix="incident" /></fieldset>
      <label for="incident-description">${t('incidentKnown')}</label>
      <textarea id="incident-description" rows="4" maxlength="4000" placeholder=${t('incidentKnownHint')}
        value=${description} onInput=${(e) => { setDescription(e.currentTarget.value); setError(null); }}></textarea>
      <${PhotoPicker} id="incident-photo" label=${t('takePhoto')} photos=${photos} setPhotos=${setPhotos} />
      <p class="muted small">${t('location')}: ${whereText({ fix: photos[0]?.position || fix, gridName: ownGridArea()?.name })}</p>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <button type="submit" class="primary huge" disabled=${busy}>${busy ? t('saving') : t('incidentSend')}</button>
    </form>
  </main>`;
}

/** Minutes left of the forwarding target (the server's, as the incident's due time says), or how far past it; once
 * forwarded, how long it took, late if after the due time. */
function ForwardClock({ incident }) {
  const [, tick] = useState(0);
  useEffect(() => { const timer = setInterval(() => tick((n) => n + 1), 15_000); return () => clearInterval(timer); }, []);
  const due = Date.parse(incident.forward_due_at);
  if (incident.forward_minutes != null) {
    const late = Date.parse(incident.forwarded_at) > due;
    return html`<span class=${`countdown${late ? ' late' : ''}`}>${t('incidentForwardedIn', { m: Math.round(incident.forward_minutes) })}</span>`;
  }
  const left = Math.round((due - serverNow()) / 60_000);
  const target = Math.round((due - Date.parse(incident.received_at)) / 60_000);
  return html`<span class=${`countdown${left < 0 ? ' late' : left <= 10 ? ' soon' : ''}`} data-testid="forward-clock">
    ${left >= 0 ? t('incidentForwardLeft', { m: left, target }) : t('incidentForwardLate', { m: -left })}</span>`;
}

const casualtyLine = (c) => CASUALTIES.map((k) => `${t(`casualty_${k}`)} ${c[k]}`).join(' · ');
/** The state in the app's language (the phone may show a copy read in another, or none yet: 待发送). */
const stateName = (incident) => (incident.queued ? t(incident.queued === 'attention' ? 'incidentAttention' : 'incidentQueued')
  : t(`incidentState_${incident.state}`));

function IncidentRow({ incident, types }) {
  if (incident.queued) {  // not on the server yet: its outbox item says why
    const type = types.find((x) => x.code === incident.type);
    return html`<li class="row"><a href="#/outbox">
      <span class="row-title">${type ? named({ zh: type.name_zh, en: type.name_en }) : ''} · ${incident.address}</span>
      <span class="muted small">${formatTime(incident.occurred_at)} · <span class="badge">${stateName(incident)}</span></span>
      <span class="small">${casualtyLine(incident.latest)}</span>
    </a></li>`;
  }
  return html`<li class="row"><a href=${`#/incident/${incident.id}`}>
    <span class="row-title">${incident.type_name} · ${incident.address || incident.street_name}</span>
    <span class="muted small">${formatTime(incident.received_at)} · ${stateName(incident)}</span>
    <span class="small">${casualtyLine(incident.latest)}</span>
    <${ForwardClock} incident=${incident} />
  </a></li>`;
}

function Timeliness() {
  const [figures, setFigures] = useState(null);
  useEffect(() => { get('incidents/timeliness').then(setFigures).catch(() => {}); }, []);
  if (!figures) return null;
  const rate = (r) => (r.on_time_rate == null ? '—' : `${Math.round(r.on_time_rate * 100)}%`);
  return html`<${Section} id="h-timeliness" title=${t('incidentTimeliness', { m: figures.target_minutes })}>
    <div class="table-wrap"><table class="figures" data-testid="timeliness">
      <thead><tr><th>${t('street')}</th><th>${t('incidentReceived')}</th><th>${t('incidentWithin')}</th>
        <th>${t('incidentMedian')}</th><th>${t('incidentWaiting')}</th></tr></thead>
      <tbody>${[...figures.streets, figures.total].map((r) => html`<tr key=${r.street_id ?? 'total'}>
        <td>${r.street_id ? r.street_name : t('total')}</td><td>${r.received}</td><td>${r.within_target}（${rate(r)}）</td>
        <td>${r.median_minutes ?? '—'}</td><td>${r.waiting}${r.overdue ? html` <span class="countdown late">${t('incidentOverdueN', { n: r.overdue })}</span>` : ''}</td></tr>`)}</tbody>
    </table></div>
  <//>`;
}

export function Incidents() {
  const types = useTypes();
  const [online, setOnline] = useState(null);  // the server's list, while it answers
  const [kept, setKept] = useState(null);
  const [offline, setOffline] = useState(false);
  const load = () => get('incidents?page_size=100').then((data) => { setOnline(data); setOffline(false); })
    .catch(() => setOffline(true));
  useEffect(() => { load(); const timer = setInterval(load, 30_000); return () => clearInterval(timer); }, []);
  // what the phone keeps, read again whenever the outbox changes (a report sent is kept with the server's answer)
  useEffect(() => { keptIncidents().then((rows) => setKept(rows.map((r) => r.data))).catch(() => setKept([])); }, [state.items]);
  const mine = roles();
  const office = mine.has('station_officer') || mine.has('supervisor') || mine.has('admin');
  const server = online && !offline ? online : kept;
  const list = server && incidentsOnPhone(server, state.items);
  const queued = (list || []).filter((i) => i.queued);
  const waiting = (list || []).filter((i) => i.state === 'received').sort((a, b) => a.forward_due_at.localeCompare(b.forward_due_at));
  const forwarded = (list || []).filter((i) => i.state === 'forwarded' || i.state === 'acknowledged');
  const closed = (list || []).filter((i) => i.state === 'closed');
  const rows = (items) => items.map((i) => html`<${IncidentRow} key=${i.id} incident=${i} types=${types} />`);
  return html`<main id="main" class="wide">
    <h1 tabindex="-1">${t('incidentsTitle')}</h1>
    <a href="#/incident-new" class="button">${t('incidentNew')}</a>
    ${offline && html`<p role="status" class="notice" data-testid="incidents-kept">${t('incidentsKept')}</p>`}
    ${list === null && html`<p class="muted">${t('incidentLoading')}</p>`}
    ${list && html`
      ${queued.length > 0 && html`<${Section} id="h-incidents-queued" title=${t('incidentsQueued', { n: queued.length })}>
        <ul class="list" data-testid="incident-outbox">${rows(queued)}</ul>
      <//>`}
      <${Section} id="h-incidents-waiting" title=${t('incidentsWaiting', { n: waiting.length })}>
        ${waiting.length ? html`<ul class="list" data-testid="incident-queue">${rows(waiting)}</ul>`
          : html`<p class="muted">${t('incidentsNone')}</p>`}
      <//>
      <${Section} id="h-incidents-forwarded" title=${t('incidentsForwarded', { n: forwarded.length })}>
        ${forwarded.length ? html`<ul class="list">${rows(forwarded)}</ul>` : html`<p class="muted">${t('incidentsNone')}</p>`}
      <//>
      ${closed.length > 0 && html`<${Section} id="h-incidents-closed" title=${t('incidentsClosed', { n: closed.length })}>
        <ul class="list">${rows(closed)}</ul>
      <//>`}`}
    ${office && !offline && html`<${Timeliness} />`}
  </main>`;
}

function ReportForm({ incident, kind, onDone }) {
  const [description, setDescription] = useState('');
  const [counts, setCounts] = useState(() => ({ ...incident.latest }));
  const [photos, setPhotos] = useState([]);
  const [error, setError] = useState(null);
  async function send(event) {
    event.preventDefault();
    if (!description.trim()) { setError(t('incidentKnownNeeded')); return; }
    await incidentReport(incident.id, { kind, description: description.trim(), casualties: counts, photos });
    flash(t('savedQueued'));
    onDone();
  }
  return html`<form class="stack card" onSubmit=${send} data-testid=${`form-${kind}`}>
    <h2>${t(`incidentReport_${kind}`)}</h2>
    ${incident.followup_request && kind === 'followup' && html`<p class="notice">${t('incidentAsked')}：${incident.followup_request}</p>`}
    <fieldset><legend>${t('incidentCasualties')}</legend><${Counts} values=${counts} setValues=${setCounts} prefix=${kind} /></fieldset>
    <label for=${`${kind}-text`}>${t(kind === 'final' ? 'incidentFinalText' : 'incidentFollowupText')}</label>
    <textarea id=${`${kind}-text`} rows="4" maxlength="4000" value=${description}
      onInput=${(e) => { setDescription(e.currentTarget.value); setError(null); }}></textarea>
    <${PhotoPicker} id=${`${kind}-photo`} label=${t('takePhoto')} photos=${photos} setPhotos=${setPhotos} size="small" />
    ${error && html`<p role="alert" class="error">${error}</p>`}
    <button type="submit" class="primary">${t('incidentSendReport')}</button>
  </form>`;
}

export function Incident({ id }) {
  const [incident, setIncident] = useState(null);
  const [etag, setEtag] = useState(null);
  const [error, setError] = useState(null);
  const [form, setForm] = useState(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [offline, setOffline] = useState(false);
  const load = async () => {
    try {
      const { data, response } = await call(`incidents/${id}`);
      setIncident(data);
      setEtag(response.headers.get('ETag'));
      setError(null);
      setOffline(false);
    } catch (e) {
      const kept = e.status === 404 ? null : await keptIncident(id).catch(() => null);
      if (!kept) { setError(e.status === 404 ? t('incidentMissing') : t('incidentsOffline')); return; }
      // offline: the copy kept from the feed, and its ETag, on which a step queued here is based
      setIncident(kept.data);
      setEtag(kept.etag ? `"${kept.etag}"` : null);
      setOffline(true);
    }
  };
  useEffect(() => { load(); }, [id]);
  const settle = async () => { setBusy(true); await outbox.flush({ force: true }).catch(() => {}); await outbox.idle(); await load(); setBusy(false); };
  async function step(action) {
    if (action === 'request_followup' && !note.trim()) { setForm('request_followup'); return; }
    await incidentStep(incident, etag, action, action === 'request_followup' ? note.trim() : undefined);
    setForm(null); setNote('');
    await settle();
  }
  async function pdf() {
    saveFile(await fetchBlob(`incidents/${id}/bulletin.pdf`), `信息专报-${id.slice(0, 8)}.pdf`);
  }
  if (error) return html`<main id="main"><h1 tabindex="-1">${t('incidentTitle')}</h1><p class="error" role="alert">${error}</p></main>`;
  if (!incident) return html`<main id="main"><h1 tabindex="-1">${t('incidentTitle')}</h1><p class="muted">${t('incidentLoading')}</p></main>`;
  const can = new Set(incident.allowed_actions);
  return html`<main id="main" class="wide">
    <h1 tabindex="-1">${incident.type_name}</h1>
    <p><span class="badge" data-testid="incident-state">${stateName(incident)}</span> <${ForwardClock} incident=${incident} /></p>
    ${offline && html`<p role="status" class="notice">${t('incidentKept')}</p>`}
    <dl class="facts">
      <dt>${t('incidentAddress')}</dt><dd>${[incident.site_name, incident.address, incident.street_name].filter(Boolean).join(' · ')}</dd>
      <dt>${t('incidentOccurred')}</dt><dd>${formatTime(incident.occurred_at)}</dd>
      <dt>${t('incidentReceivedAt')}</dt><dd>${formatTime(incident.received_at)}（${incident.reporter_name}）</dd>
      ${incident.forwarded_at && html`<dt>${t('incidentForwardedAt')}</dt><dd>${formatTime(incident.forwarded_at)}</dd>`}
      ${incident.acknowledged_at && html`<dt>${t('incidentAcknowledgedAt')}</dt><dd>${formatTime(incident.acknowledged_at)}</dd>`}
      <dt>${t('incidentCasualtiesNow')}</dt><dd data-testid="incident-casualties">${casualtyLine(incident.latest)}</dd>
    </dl>
    ${incident.followup_request && form !== 'followup' && html`<p class="notice" role="status">${t('incidentAsked')}：${incident.followup_request}</p>`}
    <div class="actions">
      ${can.has('forward') && html`<button type="button" class="primary huge" disabled=${busy} onClick=${() => step('forward')}>${t('incidentForward')}</button>`}
      ${can.has('acknowledge') && html`<button type="button" class="primary" disabled=${busy} onClick=${() => step('acknowledge')}>${t('incidentAcknowledge')}</button>`}
      ${can.has('request_followup') && html`<button type="button" disabled=${busy} onClick=${() => setForm('request_followup')}>${t('incidentRequestFollowup')}</button>`}
      ${can.has('followup') && html`<button type="button" onClick=${() => setForm('followup')}>${t('incidentReport_followup')}</button>`}
      ${can.has('final') && html`<button type="button" onClick=${() => setForm('final')}>${t('incidentReport_final')}</button>`}
      ${!offline && html`<button type="button" class="link" onClick=${pdf}>${t('incidentPdf')}</button>`}
    </div>
    ${form === 'request_followup' && html`<form class="stack card" onSubmit=${(e) => { e.preventDefault(); step('request_followup'); }}>
      <label for="followup-note">${t('incidentRequestNote')}</label>
      <textarea id="followup-note" rows="2" maxlength="500" value=${note} onInput=${(e) => setNote(e.currentTarget.value)}></textarea>
      <button type="submit" class="primary" disabled=${!note.trim() || busy}>${t('incidentRequestFollowup')}</button></form>`}
    ${(form === 'followup' || form === 'final') && html`<${ReportForm} key=${form} incident=${incident} kind=${form}
      onDone=${() => { setForm(null); settle(); }} />`}
    <${Section} id="h-incident-chain" title=${t('incidentChain')}>
      <ol class="timeline">
        <li><strong>${t('incidentReport_initial')}</strong> <span class="muted small">${formatTime(incident.received_at)} · ${incident.reporter_name}</span>
          <p class="small">${casualtyLine(incident)}</p><p>${incident.description}</p></li>
        ${incident.reports.map((r) => html`<li key=${r.id}><strong>${t(`incidentReport_${r.kind}`)}</strong>${' '}<span class="muted small">${formatTime(r.received_at)} · ${r.author_name}</span>
          <p class="small">${casualtyLine(r)}</p><p>${r.description}</p></li>`)}
      </ol>
    <//>
  </main>`;
}
