/**
 * 预警 screens: the list of warnings (`#/warnings`: those received, kept offline, and for the offices those over their
 * areas with coverage); the district's issue / update form (`#/warnings/issue`, `#/warnings/update/<id>`: its streets,
 * communities and grids in ui/warning-areas.js) and the live
 * coverage of a message (`#/warnings/<id>`, indicator 8), read online. The recipients' banner: ui/warning-banner.js.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { call, get } from '../lib/api.js';
import { refusal } from '../lib/refusal.js';
import { uuid } from '../lib/ids.js';
import { LEVELS } from '../lib/warnings.js';
import { navigate } from '../router.js';
import { state } from '../store.js';
import { Section } from './parts.js';
import { AreaPicker } from './warning-areas.js';
import { WarningCard } from './warning-banner.js';

const EVENTS = ['rainstorm', 'typhoon', 'gale', 'thunderstorm', 'heat', 'cold', 'snow', 'fog', 'flood', 'waterlogging',
  'geological', 'fire', 'work_safety', 'public_health'];
const SENDERS = ['district', 'city', 'weather'];
const COVERAGE_ROLES = ['supervisor', 'station_officer', 'admin'];
const roleSet = () => new Set((state.session?.user?.roles || []).map((r) => r.role));
export const issues = () => roleSet().has('supervisor');
export const followsCoverage = () => COVERAGE_ROLES.some((r) => roleSet().has(r));

const percent = (share) => `${Math.round((share ?? 0) * 1000) / 10}%`;

function useOnline(path, { every = 0 } = {}) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    const load = () => get(path).then((d) => { if (live) { setData(d); setError(null); } })
      .catch((e) => { if (live) setError(e); });
    load();
    const timer = every ? setInterval(load, every) : null;
    return () => { live = false; if (timer) clearInterval(timer); };
  }, [path]);
  return [data, error];
}

function OfficeList() {
  const [list, error] = useOnline('warnings?page_size=50', { every: 15_000 });
  if (error) return html`<p class="muted">${t('warnOffline')}</p>`;
  if (!list) return html`<p class="muted">${t('warnLoading')}</p>`;
  if (!list.length) return html`<p class="muted">${t('warnNone')}</p>`;
  return html`<ul class="list" data-testid="warning-office-list">${list.map((w) => html`<li key=${w.id} class="row">
    <a href=${`#/warnings/${w.id}`}><span class="row-title"><span class=${`dot lv-${w.level}`}></span>${w.title}
      ${w.msg_type !== 'alert' && html` <span class="badge">${w.msg_type === 'cancel' ? t('warnCancelled') : t('warnUpdated')}</span>`}
      ${!w.in_force && w.msg_type !== 'cancel' && html` <span class="badge">${t('warnHistory')}</span>`}</span>
    <span class="muted small">${formatTime(w.sent_at)} · ${(w.area_names || []).join('、')}
      ${w.totals && w.msg_type !== 'cancel' && ` · ${t('warnCoverageShort', { share: percent(w.totals.share) })}`}</span></a>
  </li>`)}</ul>`;
}

export function Warnings() {
  const mine = [...state.warnings].sort((a, b) => b.sent_at.localeCompare(a.sent_at));
  return html`<main id="main">
    <h1 tabindex="-1">${t('warnTitle')}</h1>
    ${issues() && html`<a href="#/warnings/issue" class="button primary" data-testid="warning-issue-open">${t('warnIssue')}</a>`}
    ${followsCoverage() && html`<${Section} id="h-warn-office" title=${t('warnOfficeList')}><${OfficeList} /><//>`}
    ${(mine.length > 0 || !followsCoverage()) && html`<${Section} id="h-warn-mine" title=${t('warnReceived')}>
      ${mine.length ? mine.map((w) => html`<${WarningCard} key=${w.id} w=${{ ...w, pending: {} }} />`)
      : html`<p class="muted">${t('warnNoneReceived')}</p>`}
    <//>`}
  </main>`;
}

// ---- the district: issue, update, cancel ----

const localInput = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export function IssueWarning({ updating = null }) {
  const [original] = useOnline(updating ? `warnings/${updating}` : 'warnings/push');
  const [form, setForm] = useState(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState({});
  useEffect(() => {
    if (form || (updating && !original?.id)) return;
    const o = updating ? original : null;
    setForm({ id: uuid(), sender: 'district', event: o?.event || 'rainstorm', level: o?.level || 'red',
      area_ids: o?.area_ids || [], headline: o?.headline || '', description: o?.description || '',
      instruction: o?.instruction || '', expires: localInput(o ? new Date(o.expires_at) : new Date(Date.now() + 12 * 3600_000)) });
  }, [original]);
  if (!form) return html`<main id="main"><h1 tabindex="-1">${t('warnIssue')}</h1><p class="muted">${t('warnLoading')}</p></main>`;
  const set = (patch) => { setForm({ ...form, ...patch }); setErrors({}); };
  const submit = async (event) => {
    event.preventDefault();
    if (!form.area_ids.length) { setErrors({ area_ids: t('warnAreasNeeded') }); return; }
    setBusy(true);
    const body = { id: form.id, event: form.event, level: form.level, area_ids: form.area_ids, headline: form.headline,
      description: form.description, instruction: form.instruction, expires_at: new Date(form.expires).toISOString() };
    try {
      const { data } = updating
        ? await call(`warnings/${updating}/update`, { method: 'POST', json: body })
        : await call('warnings', { method: 'POST', json: { ...body, sender: form.sender } });
      navigate(`/warnings/${data.id}`);
    } catch (error) {
      setErrors(refusal(error, ['area_ids', 'headline', 'expires_at']));
    } finally { setBusy(false); }
  };
  return html`<main id="main" class="wide">
    <h1 tabindex="-1">${updating ? t('warnUpdate') : t('warnIssue')}</h1>
    <form class="stack warn-form" onSubmit=${submit}>
      ${!updating && html`<label for="warn-sender">${t('warnSender')}</label>
      <select id="warn-sender" value=${form.sender} onChange=${(e) => set({ sender: e.currentTarget.value })}>
        ${SENDERS.map((s) => html`<option key=${s} value=${s}>${t(`warnSender_${s}`)}</option>`)}</select>`}
      <label for="warn-event">${t('warnEvent')}</label>
      <select id="warn-event" value=${form.event} onChange=${(e) => set({ event: e.currentTarget.value })}>
        ${EVENTS.map((code) => html`<option key=${code} value=${code}>${t(`warnEvent_${code}`)}</option>`)}</select>
      <fieldset class="tiles four">
        <legend>${t('warnLevel')}</legend>
        ${LEVELS.map((lv) => html`<span class="tile" key=${lv}>
          <input type="radio" name="warn-level" id=${`warn-level-${lv}`} checked=${form.level === lv} onChange=${() => set({ level: lv })} />
          <label for=${`warn-level-${lv}`} class=${`lv-${lv}`}>${t(`warnLevel_${lv}`)}</label></span>`)}
      </fieldset>
      <${AreaPicker} chosen=${form.area_ids} onChange=${(ids) => set({ area_ids: ids })} error=${errors.area_ids} />
      <label for="warn-headline">${t('warnHeadline')}</label>
      <input id="warn-headline" required maxlength="200" value=${form.headline} onInput=${(e) => set({ headline: e.currentTarget.value })} />
      ${errors.headline && html`<p role="alert" class="error">${errors.headline}</p>`}
      <label for="warn-description">${t('warnDescription')}</label>
      <textarea id="warn-description" rows="3" maxlength="5000" value=${form.description}
        onInput=${(e) => set({ description: e.currentTarget.value })}></textarea>
      <label for="warn-instruction">${t('warnInstructionField')}</label>
      <textarea id="warn-instruction" rows="3" maxlength="5000" value=${form.instruction}
        onInput=${(e) => set({ instruction: e.currentTarget.value })}></textarea>
      <label for="warn-expires">${t('warnExpires')}</label>
      <input id="warn-expires" type="datetime-local" required value=${form.expires} onInput=${(e) => set({ expires: e.currentTarget.value })} />
      ${errors.expires_at && html`<p role="alert" class="error">${errors.expires_at}</p>`}
      ${errors[''] && html`<p role="alert" class="error">${errors['']}</p>`}
      <button type="submit" class="primary huge" disabled=${busy} data-testid="warning-send">
        ${busy ? t('saving') : updating ? t('warnUpdateSend') : t('warnIssueSend')}</button>
    </form>
  </main>`;
}

function CoverageTable({ rows, label }) {
  return html`<div class="table-scroll"><table class="coverage">
    <thead><tr><th scope="col">${label}</th><th scope="col">${t('warnRead')}</th><th scope="col">${t('warnRelayed')}</th>
      <th scope="col">${t('warnHouseholdsShort')}</th><th scope="col">${t('warnShare')}</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr key=${r.area_id ?? r.role}><th scope="row">${r.name ?? t(`warnRole_${r.role}`)}</th>
      <td>${r.acknowledged}/${r.recipients}</td><td>${r.relayers ? `${r.relayed}/${r.relayers}` : '—'}</td>
      <td>${r.households}</td><td><meter min="0" max="1" value=${r.share}></meter> ${percent(r.share)}</td></tr>`)}</tbody>
  </table></div>`;
}

/** `#/warnings/<id>`, where a pushed notice opens: an office its coverage; a recipient their warnings, this one among
 * them (they have no coverage to read). */
export function WarningScreen({ id }) {
  return followsCoverage() ? html`<${WarningCoverage} id=${id} />` : html`<${Warnings} />`;
}

function WarningCoverage({ id }) {
  const [warning] = useOnline(`warnings/${id}`);
  const [coverage, error] = useOnline(`warnings/${id}/coverage`, { every: 10_000 });
  const [cancelError, setCancelError] = useState(null);
  const cancel = async () => {
    if (!confirm(t('warnCancelConfirm'))) return;
    try {
      const { data } = await call(`warnings/${id}/cancel`, { method: 'POST', json: { id: uuid() } });
      navigate(`/warnings/${data.id}`);
    } catch (e) { setCancelError(refusal(e)['']); }
  };
  if (error && !coverage) return html`<main id="main"><h1 tabindex="-1">${t('warnCoverage')}</h1><p class="muted">${t('warnOffline')}</p></main>`;
  if (!warning || !coverage) return html`<main id="main"><h1 tabindex="-1">${t('warnCoverage')}</h1><p class="muted">${t('warnLoading')}</p></main>`;
  const tot = coverage.totals;
  return html`<main id="main" class="wide">
    <h1 tabindex="-1">${t('warnCoverage')}</h1>
    <${WarningCard} w=${{ ...warning, receipt: null, pending: {} }} />
    <p class="muted small">${warning.identifier} · ${t('warnSentAt', { time: formatTime(warning.sent_at) })}
      ${warning.superseded_by && html` · <a href=${`#/warnings/${warning.superseded_by}`}>${t('warnSeeLatest')}</a>`}</p>
    ${issues() && warning.in_force && html`<div class="inline">
      <a class="button" href=${`#/warnings/update/${warning.id}`} data-testid="warning-update">${t('warnUpdate')}</a>
      <button type="button" class="danger" onClick=${cancel} data-testid="warning-cancel">${t('warnCancel')}</button></div>`}
    ${warning.msg_type !== 'cancel' && html`<p class="coverage-total" data-testid="warning-coverage" role="status">
      ${t('warnCoverageLine', { read: tot.acknowledged, all: tot.recipients, share: percent(tot.share), relayed: tot.relayed,
        relayers: tot.relayers, households: tot.households })}</p>
    <meter class="big" min="0" max="1" value=${tot.share}></meter>
    ${coverage.read_in_time_by && html`<p class="muted small" data-testid="warning-read-in-time">${t('warnReadInTime',
      { time: formatTime(coverage.read_in_time_by), n: tot.read_in_time, all: tot.recipients })}</p>`}
    <${Section} id="h-cov-street" title=${t('warnByStreet')}><${CoverageTable} rows=${coverage.by_street} label=${t('warnStreet')} /><//>
    <${Section} id="h-cov-role" title=${t('warnByRole')}><${CoverageTable} rows=${coverage.by_role} label=${t('warnRoleCol')} /><//>
    <details class="cov-grids">
      <summary>${t('warnByGridN', { n: coverage.by_grid.length })}</summary>
      <${CoverageTable} rows=${[...coverage.by_grid].sort((a, b) => a.share - b.share)} label=${t('warnGrid')} />
    </details>`}
    ${cancelError && html`<p role="alert" class="error">${cancelError}</p>`}
    <p><a href="#/warnings">${t('warnBack')}</a></p>
  </main>`;
}

