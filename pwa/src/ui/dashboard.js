/**
 * 统计看板 (#/dashboard?period=2026-12&area_id=…): GET /api/v1/dashboards for the caller's scope and a month, as
 * tiles, a table by level, a chart and table by street and a 12-month trend, in plain SVG. Every hazard figure opens
 * the hazard list with the query that reproduces it (the list asks the server: #/hazards?server=1&…), so a count and
 * its list always agree. The last answer for each query is kept for offline, marked with its time.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { get } from '../lib/api.js';
import { drillHref, recentMonths } from '../lib/dashboard.js';
import { navigate } from '../router.js';
import { getMeta, setMeta, state } from '../store.js';
import { useStreets } from './hazards.js';
import { Section } from './parts.js';

const pct = (x) => (x == null ? '—' : `${Math.round(x * 1000) / 10}%`);

function Count({ figure, testid, label }) {
  const href = drillHref(figure, label);
  const value = figure?.count ?? '—';
  return href ? html`<a href=${href} data-testid=${testid}>${value}</a>` : html`<span data-testid=${testid}>${value}</span>`;
}

/** A headline figure: its number (a link to its list) over its name. */
function Tile({ label, figure, value, note, testid }) {
  const href = figure ? drillHref(figure, label) : null;
  const shown = value ?? figure?.count ?? '—';
  const body = html`<span class="tile-value">${shown}</span><span class="tile-label">${label}</span>
    ${note && html`<span class="tile-note">${note}</span>`}`;
  return href
    ? html`<a class="tile" href=${href} data-testid=${testid}>${body}</a>`
    : html`<div class="tile" data-testid=${testid}>${body}</div>`;
}

function Tiles({ data }) {
  const share = (s) => t('dashOfN', { yes: s.yes.count, n: s.yes.count + s.no.count });
  return html`<div class="tiles">
    <${Tile} label=${t('dashFound')} figure=${data.found.all} testid="dash-found" />
    <${Tile} label=${t('dashClosed')} figure=${data.closed.all} testid="dash-closed" />
    <${Tile} label=${t('dashOpen')} figure=${data.open.all} testid="dash-open" />
    <${Tile} label=${t('dashOverdueNow')} figure=${data.overdue.all} testid="dash-overdue" />
    <${Tile} label=${t('dashOverdueAck')} figure=${data.overdue_ack.all} testid="dash-overdue-ack" />
    <${Tile} label=${t('dashClosureRate')} figure=${data.closure_rate.closed} value=${pct(data.closure_rate.value)}
      note=${t('dashOfN', { yes: data.closure_rate.closed.count, n: data.closure_rate.entered })} testid="dash-closure" />
    <${Tile} label=${t('dashOnTime')} figure=${data.on_time.yes} value=${pct(data.on_time.value)} note=${share(data.on_time)}
      testid="dash-on-time" />
    <${Tile} label=${t('dashAckArrival')} figure=${data.ack_on_time.yes} value=${pct(data.ack_on_time.value)}
      note=${share(data.ack_on_time)} testid="dash-ack" />
    <${Tile} label=${t('dashAckObserved')} figure=${data.ack_on_time_observed.yes}
      value=${pct(data.ack_on_time_observed.value)} note=${share(data.ack_on_time_observed)} testid="dash-ack-observed" />
    <${Tile} label=${t('dashListed')} figure=${data.listed} testid="dash-listed" />
    <${Tile} label=${t('dashDelisted')} figure=${data.delisted} testid="dash-delisted" />
    <${Tile} label=${t('dashListedNow')} figure=${data.listed_now} testid="dash-listed-now" />
  </div>`;
}

const LEVEL_NAMES = { general: 'dashGeneral', major: 'dashMajor', all: 'dashAll' };

function ByLevel({ data }) {
  const rows = [['dashFound', 'found'], ['dashClosed', 'closed'], ['dashOpen', 'open'], ['dashOverdueNow', 'overdue']];
  return html`<div class="table-wrap"><table class="dash-table">
    <thead><tr><th scope="col">${t('dashFigure')}</th><th scope="col">${t('dashGeneral')}</th>
      <th scope="col">${t('dashMajor')}</th><th scope="col">${t('dashAll')}</th></tr></thead>
    <tbody>${rows.map(([label, key]) => html`<tr key=${key}><th scope="row">${t(label)}</th>
      ${['general', 'major', 'all'].map((level) => html`<td key=${level}><${Count} figure=${data[key][level]}
        label=${`${t(label)} · ${t(LEVEL_NAMES[level])}`} testid=${`dash-${key}-${level}`} /></td>`)}</tr>`)}</tbody>
  </table></div>`;
}

/** Each street's hazards found in the period (blue) and those overdue now, whenever found (red), as links. */
function StreetBars({ streets }) {
  const rowH = 36;
  const labelW = 96;
  const width = 340;
  const max = Math.max(1, ...streets.flatMap((s) => [s.found.count, s.overdue.count]));
  const barMax = width - labelW - 40;
  const bar = (figure, y, h, fill) => {
    const w = Math.max(1, (figure.count / max) * barMax);
    return html`<a href=${drillHref(figure)}><rect x=${labelW} y=${y} height=${h} width=${w} fill=${fill} rx="2" />
      <text x=${labelW + w + 5} y=${y + h - 1} font-size="12" fill="#1f1f1f">${figure.count}</text></a>`;
  };
  return html`<figure class="chart dash-chart">
    <figcaption id="dash-street-chart">${t('dashStreetChart')}</figcaption>
    <svg viewBox=${`0 0 ${width} ${streets.length * rowH + 4}`} width="100%" role="img" aria-labelledby="dash-street-chart">
      ${streets.map((s, i) => html`<g key=${s.street_id} transform=${`translate(0 ${i * rowH + 2})`}>
        <text x=${labelW - 6} y="20" text-anchor="end" font-size="12" fill="#1f1f1f">${s.street_name}</text>
        ${bar(s.found, 3, 13, '#7cacf8')}
        ${bar(s.overdue, 19, 11, '#b3261e')}
      </g>`)}
    </svg>
    <p class="muted small legend"><span class="key found"></span>${t('dashFound')}
      <span class="key late"></span>${t('dashOverdueNow')}</p>
  </figure>`;
}

function StreetTable({ streets }) {
  return html`<div class="table-wrap"><table class="dash-table" data-testid="dash-streets">
    <thead><tr><th scope="col">${t('street')}</th><th scope="col">${t('dashFound')}</th><th scope="col">${t('dashOpen')}</th>
      <th scope="col">${t('dashOverdueNow')}</th></tr></thead>
    <tbody>${streets.map((s) => html`<tr key=${s.street_id}><th scope="row">${s.street_name}</th>
      <td><${Count} figure=${s.found} label=${`${s.street_name} · ${t('dashFound')}`} testid=${`street-found-${s.street_id}`} /></td>
      <td><${Count} figure=${s.open} label=${`${s.street_name} · ${t('dashOpen')}`} testid=${`street-open-${s.street_id}`} /></td>
      <td><${Count} figure=${s.overdue} label=${`${s.street_name} · ${t('dashOverdueNow')}`}
        testid=${`street-overdue-${s.street_id}`} /></td></tr>`)}</tbody>
  </table></div>`;
}

/** 12 months of hazards found (bars) and closed (line), each month's bar a link to its hazards. */
function Trend({ months }) {
  const width = 360;
  const height = 150;
  const left = 30;
  const bottom = 22;
  const max = Math.max(1, ...months.flatMap((m) => [m.found.count, m.closed.count]));
  const step = (width - left) / months.length;
  const y = (n) => height - bottom - (n / max) * (height - bottom - 12);
  const line = months.map((m, i) => `${left + step * i + step / 2},${y(m.closed.count)}`).join(' ');
  return html`<figure class="chart dash-chart">
    <figcaption id="dash-trend">${t('dashTrend')}</figcaption>
    <svg viewBox=${`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby="dash-trend">
      <line x1=${left} x2=${width} y1=${y(0)} y2=${y(0)} stroke="#747775" />
      <text x=${left - 4} y=${y(max) + 4} font-size="10" text-anchor="end" fill="#444746">${max}</text>
      <text x=${left - 4} y=${y(0)} font-size="10" text-anchor="end" fill="#444746">0</text>
      ${months.map((m, i) => html`<a key=${m.month} href=${drillHref(m.found)}>
        <rect x=${left + step * i + 3} y=${y(m.found.count)} width=${step - 6} height=${y(0) - y(m.found.count)}
          fill="#7cacf8"><title>${`${m.month} ${t('dashFound')} ${m.found.count} · ${t('dashClosed')} ${m.closed.count}`}</title></rect>
        <text x=${left + step * i + step / 2} y=${height - 6} font-size="11" text-anchor="middle" fill="#444746">${Number(m.month.slice(5))}${t('dashMonthSuffix')}</text>
      </a>`)}
      <polyline points=${line} fill="none" stroke="#146c2e" stroke-width="2" />
    </svg>
    <p class="muted small legend"><span class="key found"></span>${t('dashFound')}
      <span class="key closed"></span>${t('dashClosedInMonth')}</p>
  </figure>`;
}

function Work({ data }) {
  const c = data.coverage;
  const i = data.inspections;
  return html`<div class="tiles">
    <${Tile} label=${t('dashCoverage')} value=${c.rate == null ? '—' : `${c.rate}%`}
      note=${t('dashOfN', { yes: c.done.count, n: c.planned })} testid="dash-coverage" />
    <${Tile} label=${t('dashUnverified')} figure=${c.flagged} testid="dash-coverage-flagged" />
    <${Tile} label=${t('dashInspections')} figure=${i.done} testid="dash-inspections" />
    <${Tile} label=${t('dashMeanScore')} value=${i.mean_score ?? '—'} testid="dash-score" />
    <${Tile} label=${t('dashFlaggedCheckins')} figure=${data.flagged_checkins} testid="dash-checkins" />
  </div>
  <p><a href="#/rankings" class="button">${t('dashRankings')}</a></p>`;
}

/** The dashboard's answer for a query: the kept copy at once, then a fresh one when online. */
function useDashboard(query) {
  const [shown, setShown] = useState({ data: null, asOf: null, failed: false });
  useEffect(() => {
    let fresh = false;
    const key = `dashboard?${query}`;
    setShown({ data: null, asOf: null, failed: false });
    getMeta(key).then((kept) => { if (kept && !fresh) setShown({ data: kept.data, asOf: kept.at, failed: false }); });
    if (state.online) {
      get(`dashboards?${query}`).then((answer) => {
        fresh = true;
        setShown({ data: answer, asOf: null, failed: false });
        setMeta(key, { data: answer, at: new Date().toISOString() });
      }).catch(() => setShown((now) => ({ ...now, failed: true })));
    }
  }, [query]);
  return shown;
}

export function Dashboard({ query }) {
  const months = recentMonths();
  const period = query.get('period') || months[0];
  const areaId = query.get('area_id') || '';
  const params = new URLSearchParams({ period, ...(areaId ? { area_id: areaId } : {}) }).toString();
  const { data, asOf, failed } = useDashboard(params);
  const streets = useStreets();
  const set = (name) => (e) => {
    const next = new URLSearchParams({ period, ...(areaId ? { area_id: areaId } : {}), [name]: e.currentTarget.value });
    if (!e.currentTarget.value) next.delete(name);
    navigate(`/dashboard?${next}`, { replace: true });
  };
  const wide = (state.session?.user?.roles || []).some((r) => r.role === 'supervisor' || r.role === 'admin');
  return html`<main id="main" class="wide dashboard">
    <h1 tabindex="-1">${t('dashTitle')}</h1>
    <form class="filters dash-controls" onSubmit=${(e) => e.preventDefault()}>
      <div class="filter"><label for="dash-period">${t('dashPeriod')}</label>
        <select id="dash-period" value=${period} onChange=${set('period')}>
          ${months.map((m) => html`<option key=${m} value=${m}>${t('dashMonth', { y: m.slice(0, 4), m: Number(m.slice(5)) })}</option>`)}
        </select></div>
      ${wide && streets.length > 0 && html`<div class="filter"><label for="dash-area">${t('street')}</label>
        <select id="dash-area" value=${areaId} onChange=${set('area_id')}>
          <option value="">${t('dashWholeDistrict')}</option>
          ${streets.map((s) => html`<option key=${s.id} value=${String(s.id)}>${s.name}</option>`)}
        </select></div>`}
    </form>
    ${asOf && html`<p class="muted small">${t('summaryOffline', { time: formatTime(asOf) })}</p>`}
    ${!data ? html`<p class="muted" role="status">${failed || !state.online ? t('dashOffline') : t('screenLoading')}</p>` : html`
      <p class="muted small">${data.scope.area_name || t('dashYourScope')} · ${t('dashPeriodLine', { from: data.period.from, to: data.period.to })}</p>
      <${Section} id="dash-hazards" title=${t('dashHazards')}><${Tiles} data=${data} /><${ByLevel} data=${data} /><//>
      ${data.streets.length > 0 && html`<${Section} id="dash-by-street" title=${t('dashByStreet')}>
        <div class="dash-pair"><${StreetBars} streets=${data.streets} /><${StreetTable} streets=${data.streets} /></div><//>`}
      <${Section} id="dash-trend-section" title=${t('dashTrendTitle')}><${Trend} months=${data.trend} /><//>
      <${Section} id="dash-work" title=${t('dashWork')}><${Work} data=${data} /><//>`}
  </main>`;
}
