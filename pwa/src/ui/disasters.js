/**
 * 自然灾害情况统计: the disasters over the user's areas; for one, the figures added up (the district's streets, a
 * street's communities) and the community's entry form (初报 / 续报 / 核报, queued offline like any record). A sharp
 * change since the community's last report is refused by the server until explained: the form shows why.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, named, t } from '../i18n/index.js';
import { call, fetchBlob, get } from '../lib/api.js';
import { localIso } from '../lib/clock.js';
import { meta } from '../lib/db.js';
import { navigate } from '../router.js';
import { disasterReport, flash, outbox, state } from '../store.js';
import { saveFile } from './documents.js';
import { Section } from './parts.js';

const FIGURES = ['affected', 'dead', 'missing', 'injured', 'evacuated', 'houses_collapsed', 'houses_severely_damaged',
  'houses_generally_damaged', 'direct_loss'];
const KINDS = ['initial', 'followup', 'verified'];

/** 新建灾害过程: the district (or a street's station, for its street) opens a disaster; its response starts. */
function OpenDisaster({ onOpened }) {
  const area = state.session.user.roles.find((r) => ['supervisor', 'admin', 'station_officer'].includes(r.role)
    && ['district', 'street'].includes(r.area?.level))?.area;
  const [name, setName] = useState('');
  const [started, setStarted] = useState(() => localIso().slice(0, 16));
  const [error, setError] = useState(null);
  const [types, setTypes] = useState([]);
  const [type, setType] = useState('natural.flood');
  useEffect(() => { get('incident-types').then((all) => setTypes(all.filter((x) => x.parent === 'natural'))).catch(() => {}); }, []);
  if (!area) return null;
  async function open(event) {
    event.preventDefault();
    try {
      const { data } = await call('disasters', { method: 'POST', json: { name: name.trim(), type,
        area_id: area.id, started_at: localIso(new Date(started)) } });
      onOpened(data);
    } catch (e) { setError(e.message); }
  }
  return html`<form class="stack card" onSubmit=${open}>
    <h2>${t('disasterOpen', { area: area.name })}</h2>
    <label for="disaster-name">${t('disasterName')}</label>
    <input id="disaster-name" maxlength="100" required value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
    <label for="disaster-type">${t('incidentSubtype')}</label>
    <select id="disaster-type" value=${type} onChange=${(e) => setType(e.currentTarget.value)}>
      ${types.map((x) => html`<option key=${x.code} value=${x.code}>${named({ zh: x.name_zh, en: x.name_en })}</option>`)}</select>
    <label for="disaster-start">${t('disasterStart')}</label>
    <input id="disaster-start" type="datetime-local" value=${started} onInput=${(e) => setStarted(e.currentTarget.value)} />
    ${error && html`<p role="alert" class="error">${error}</p>`}
    <button type="submit" class="primary" disabled=${!name.trim()}>${t('disasterOpenButton')}</button>
  </form>`;
}

export function Disasters() {
  const [list, setList] = useState(null);
  const [error, setError] = useState(false);
  useEffect(() => { get('disasters').then(setList).catch(() => setError(true)); }, []);
  return html`<main id="main" class="wide">
    <h1 tabindex="-1">${t('disastersTitle')}</h1>
    ${error && html`<p class="error" role="alert">${t('incidentsOffline')}</p>`}
    <${OpenDisaster} onOpened=${(d) => navigate(`/disaster/${d.id}`)} />
    ${list && (list.length ? html`<ul class="list">${list.map((d) => html`<li key=${d.id} class="row"><a href=${`#/disaster/${d.id}`}>
      <span class="row-title">${d.name}</span>
      <span class="muted small">${d.type_name} · ${d.area_name} · ${formatTime(d.started_at)}</span>
      <span class=${`badge${d.response_active ? ' warn' : ''}`}>${d.response_active ? t('disasterResponding') : t('disasterEnded')}</span>
    </a></li>`)}</ul>` : html`<p class="muted">${t('disastersNone')}</p>`)}
  </main>`;
}

/** The communities the user reports for: their grid's, or those of their street or community. Kept for offline. */
async function myCommunities() {
  const found = [];
  for (const role of state.session.user.roles) {
    const area = role.area;
    if (!area || !['grid_worker', 'station_officer', 'admin'].includes(role.role)) continue;
    if (area.level === 'grid') found.push(await get(`areas/${(await get(`areas/${area.id}`)).parent_id}`));
    else if (area.level === 'community') found.push(area);
    else if (area.level === 'street') found.push(...await get(`areas?level=community&within=${area.id}&page_size=100`));
  }
  return found.map(({ id, name }) => ({ id, name }));
}

function useCommunities() {
  const [list, setList] = useState([]);
  useEffect(() => {
    meta.get('disasterCommunities').then((kept) => kept && setList(kept)).catch(() => {});
    myCommunities().then((found) => { setList(found); meta.set('disasterCommunities', found).catch(() => {}); }).catch(() => {});
  }, []);
  return list;
}

const figure = (name, value) => (name === 'direct_loss' ? Number(value).toFixed(2).replace(/\.?0+$/, '') : value);

function FiguresTable({ rows }) {
  return html`<div class="table-wrap"><table class="figures" data-testid="disaster-totals">
    <thead><tr><th>${t('disasterArea')}</th>${FIGURES.map((f) => html`<th key=${f}>${t(`figure_${f}`)}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr key=${r.key} class=${r.total ? 'total' : ''}>
      <td>${r.href ? html`<a href=${r.href}>${r.name}</a>` : r.name}${r.note ? html` <span class="muted small">${r.note}</span>` : ''}</td>
      ${FIGURES.map((f) => html`<td key=${f}>${figure(f, r.totals[f])}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

const ZERO = Object.fromEntries(FIGURES.map((f) => [f, 0]));

/** Each community's last report, so that the form starts from it: the daily follow-up with no change is one tap. */
function useLastReports(disasterId, version) {
  const [last, setLast] = useState({});
  useEffect(() => {
    get(`disasters/${disasterId}/reports?page_size=100`).then((reports) => {
      setLast(Object.fromEntries(reports.map((r) => [r.community_id, r])));
    }).catch(() => {});
  }, [disasterId, version]);
  return last;
}

function Entry({ disaster, communities, onSent, version }) {
  const [community, setCommunity] = useState('');
  const [kind, setKind] = useState(null);
  const [values, setValues] = useState(null);
  const [explanation, setExplanation] = useState('');
  const [refusal, setRefusal] = useState(null);
  const [busy, setBusy] = useState(false); // the form is held while a report is on its way: nothing typed is lost
  const chosen = community || communities[0]?.id || '';
  const previous = useLastReports(disaster.id, version)[Number(chosen)];
  const shownKind = kind ?? (previous ? 'followup' : 'initial');
  const shownValues = values ?? (previous ? Object.fromEntries(FIGURES.map((f) => [f, previous[f]])) : ZERO);
  async function send(event) {
    event.preventDefault();
    setRefusal(null);
    setBusy(true);
    try {
      await deliver();
    } finally {
      setBusy(false);
    }
  }
  async function deliver() {
    await disasterReport(disaster.id, { community_id: Number(chosen), kind: shownKind, ...shownValues,
      explanation: explanation.trim() });
    await outbox.flush({ force: true }).catch(() => {});
    await outbox.idle();
    const waiting = (await outbox.list()).find((i) => i.kind === 'disaster_report' && i.status === 'attention');
    if (waiting?.error) { setRefusal(waiting.error); await outbox.discard(waiting.id); return; }
    flash(t('savedQueued'));
    setKind(null); setValues(null); setExplanation('');
    onSent();
  }
  if (!communities.length) return null;
  return html`<form class="stack card" onSubmit=${send} data-testid="disaster-entry">
    <h2>${t('disasterEntry')}</h2>
    <fieldset class="plain stack" disabled=${busy}>
    <label for="disaster-community">${t('disasterCommunity')}</label>
    <select id="disaster-community" value=${chosen} onChange=${(e) => { setCommunity(e.currentTarget.value); setKind(null); setValues(null); }}>
      ${communities.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}</select>
    <fieldset class="tiles n3"><legend>${t('disasterKind')}</legend>
      ${KINDS.map((k) => html`<span class="tile" key=${k}><input type="radio" name="dkind" id=${`dkind-${k}`} checked=${shownKind === k}
        onChange=${() => setKind(k)} /><label for=${`dkind-${k}`}>${t(`disasterKind_${k}`)}</label></span>`)}</fieldset>
    <div class="counts">${FIGURES.map((f) => html`<label key=${f} for=${`fig-${f}`}><span>${t(`figure_${f}`)}</span>
      <input id=${`fig-${f}`} type="number" inputmode="decimal" min="0" step=${f === 'direct_loss' ? '0.01' : '1'} value=${shownValues[f]}
        aria-invalid=${refusal?.errors?.json?.[f] ? 'true' : undefined}
        onInput=${(e) => setValues({ ...shownValues, [f]: Math.max(0, Number(e.currentTarget.value) || 0) })} />
      ${refusal?.errors?.json?.[f] && html`<span class="error small">${refusal.errors.json[f][0]}</span>`}</label>`)}</div>
    ${previous && html`<p class="muted small">${t('disasterPrevious', { kind: t(`disasterKind_${previous.kind}`), at: formatTime(previous.received_at) })}</p>`}
    <label for="disaster-explanation">${t('disasterExplanation')}</label>
    <textarea id="disaster-explanation" rows="2" maxlength="2000" value=${explanation}
      onInput=${(e) => setExplanation(e.currentTarget.value)}></textarea>
    ${refusal && html`<p role="alert" class="error" data-testid="disaster-refusal">${refusal.message}</p>`}
    ${previous?.kind === 'verified' ? html`<p class="notice">${t('disasterVerifiedMade')}</p>`
    : html`<button type="submit" class="primary">${busy ? t('saving') : t('disasterSend')}</button>`}
    </fieldset>
  </form>`;
}

export function Disaster({ id, query }) {
  const [disaster, setDisaster] = useState(null);
  const [totals, setTotals] = useState(null);
  const [error, setError] = useState(false);
  const [version, setVersion] = useState(0);
  const communities = useCommunities();
  const areaId = query?.get('area');
  const load = () => {
    setVersion((n) => n + 1);
    get(`disasters/${id}`).then(setDisaster).catch(() => setError(true));
    get(`disasters/${id}/totals${areaId ? `?area_id=${areaId}` : ''}`).then(setTotals).catch(() => setError(true));
  };
  useEffect(load, [id, areaId]);
  if (error && !disaster) return html`<main id="main"><h1 tabindex="-1">${t('disastersTitle')}</h1><p class="error" role="alert">${t('incidentsOffline')}</p></main>`;
  if (!disaster || !totals) return html`<main id="main"><h1 tabindex="-1">${t('disastersTitle')}</h1><p class="muted">${t('incidentLoading')}</p></main>`;
  const rows = [
    ...totals.parts.map((p) => ({ key: p.area_id, name: p.name, totals: p.totals,
      note: `${p.communities_reported}/${p.communities}${p.last_kind ? ` · ${t(`disasterKind_${p.last_kind}`)}` : ''}`,
      href: p.communities > 1 ? `#/disaster/${id}?area=${p.area_id}` : null })),
    { key: 'total', name: `${totals.area_name} ${t('total')}`, totals: totals.totals, total: true },
  ];
  return html`<main id="main" class="wide">
    <h1 tabindex="-1">${disaster.name}</h1>
    <p class="muted">${disaster.type_name} · ${disaster.area_name} · ${t('disasterStarted')} ${formatTime(disaster.started_at)}
      · <span class=${`badge${disaster.response_active ? ' warn' : ''}`}>${disaster.response_active ? t('disasterResponding') : t('disasterEnded')}</span></p>
    <p class="small">${t('disasterFirstDue', { at: formatTime(disaster.first_report_due_at) })}</p>
    ${disaster.response_active && office() && html`<button type="button" onClick=${() => endResponse(id).then(load)}>${t('disasterEnd')}</button>`}
    ${totals.followup_due.length > 0 && html`<p class="notice">${t('disasterFollowupDue', { list: totals.followup_due.join('、') })}</p>`}
    <${Section} id="h-disaster-totals" title=${t('disasterTotals', { area: totals.area_name, n: totals.communities_reported, of: totals.communities })}>
      ${areaId && html`<p><a href=${`#/disaster/${id}`}>${t('disasterBack')}</a></p>`}
      <${FiguresTable} rows=${rows} />
      <p class="small"><a href=${`/api/v1/disasters/${id}/ledger.xlsx`} data-ledger="xlsx" onClick=${(e) => download(e, id, 'xlsx')}>${t('disasterLedgerXlsx')}</a>
        · <a href=${`/api/v1/disasters/${id}/ledger.csv`} onClick=${(e) => download(e, id, 'csv')}>${t('disasterLedgerCsv')}</a></p>
    <//>
    <${Entry} disaster=${disaster} communities=${communities} onSent=${load} version=${version} />
  </main>`;
}

const office = () => state.session.user.roles.some((r) => ['supervisor', 'admin', 'station_officer'].includes(r.role));

/** 结束应急响应, on the version read (If-Match). */
async function endResponse(id) {
  const { response } = await call(`disasters/${id}`);
  await call(`disasters/${id}`, { method: 'PATCH', json: { response_active: false },
    headers: { 'If-Match': response.headers.get('ETag') } });
}

async function download(event, id, ext) {
  event.preventDefault();
  saveFile(await fetchBlob(`disasters/${id}/ledger.${ext}`), `灾情台账.${ext}`);
}
