/** 隐患统计: the supervisors' summary by street (bar chart of closure rates in plain SVG, table), and its totals for their home. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { get } from '../lib/api.js';
import { getMeta, setMeta, state } from '../store.js';
import { Section } from './parts.js';

const pct = (x) => (x == null ? '—' : `${Math.round(x * 100)}%`);

function Bars({ streets }) {
  const rowH = 28;
  const labelW = 110;
  const width = 340;
  const barMax = width - labelW - 50;
  return html`<figure class="chart">
    <figcaption id="chart-title">${t('chartTitle')}</figcaption>
    <svg viewBox=${`0 0 ${width} ${streets.length * rowH + 4}`} width="100%" role="img" aria-labelledby="chart-title">
      ${streets.map((s, i) => html`<g key=${s.street_id} transform=${`translate(0 ${i * rowH + 2})`}>
        <text x=${labelW - 6} y="17" text-anchor="end" font-size="12" fill="#1f1f1f">${s.street_name}</text>
        <rect x=${labelW} y="4" height="18" width=${Math.max(1, (s.closure_rate ?? 0) * barMax)} fill="#0b57d0" rx="2" />
        <text x=${labelW + (s.closure_rate ?? 0) * barMax + 6} y="17" font-size="12" fill="#1f1f1f">${pct(s.closure_rate)}</text>
      </g>`)}
    </svg>
  </figure>`;
}

/** One street's (or the total's) figures, each cell labelled for the stacked layout of narrow screens. */
function Figures({ row }) {
  const cells = [[t('reported'), row.reported], [t('closureRate'), pct(row.closure_rate)],
    [t('overdue'), row.overdue_rectification], [t('ackWithin30'), pct(row.acknowledged_within_target)],
    [t('overdueAck'), row.overdue_acknowledgement]];
  return cells.map(([label, value]) => html`<td role="cell" key=${label} data-label=${label}>${value}</td>`);
}

// Below 32rem the rows are stacked as cards (styles.css): a 360 px phone cannot fit six columns
// without breaking 民族街道 mid-word. The explicit roles keep it a table for screen readers, which
// some browsers stop announcing once a table's display changes.
function Table({ data }) {
  const columns = ['street', 'reported', 'closureRate', 'overdue', 'ackWithin30', 'overdueAck'];
  return html`<div class="table-wrap"><table class="summary-table" role="table">
    <thead><tr role="row">${columns.map((key) => html`<th scope="col" role="columnheader" key=${key}>${t(key)}</th>`)}</tr></thead>
    <tbody>${data.streets.map((s) => html`<tr role="row" key=${s.street_id}>
      <th scope="row" role="rowheader">${s.street_name}</th><${Figures} row=${s} /></tr>`)}</tbody>
    <tfoot><tr role="row"><th scope="row" role="rowheader">${t('total')}</th><${Figures} row=${data.total} /></tr></tfoot>
  </table></div>`;
}

/** The summary's figures: the copy kept on the phone at once, then a fresh one when online. */
function useSummary() {
  const [data, setData] = useState(null);
  const [asOf, setAsOf] = useState(null);
  useEffect(() => {
    let fresh = false; // the cached copy must not replace a fresh answer that came back first
    getMeta('summary').then((cached) => { if (cached && !fresh) { setData(cached.data); setAsOf(cached.at); } });
    if (state.online) {
      get('hazards/summary').then((answer) => {
        fresh = true;
        setData(answer);
        setAsOf(null);
        setMeta('summary', { data: answer, at: new Date().toISOString() });
      }).catch(() => {});
    }
  }, []);
  return { data, asOf };
}

const OfflineNote = ({ asOf }) => asOf && html`<p class="muted small">${t('summaryOffline', { time: formatTime(asOf) })}</p>`;

/**
 * A supervisor's home: the district's totals in two lines, a link to the summary by street. The
 * summary itself is shown once, under 统计: on a phone it is two screens long.
 */
export function SummaryHeadline() {
  const { data, asOf } = useSummary();
  const total = data?.total;
  return html`<${Section} id="h-summary" title=${t('summaryTitle')}>
    <${OfflineNote} asOf=${asOf} />
    <ul class="list"><li class="row"><a href="#/summary">
      <span class="row-title">${t('summaryByStreet')}</span>
      <span class="muted small">${!total ? t('noData') : [[t('reported'), total.reported],
        [t('closureRate'), pct(total.closure_rate)], [t('overdue'), total.overdue_rectification],
        [t('overdueAck'), total.overdue_acknowledgement]].map(([label, value]) => `${label} ${value}`).join(' · ')}</span>
    </a></li></ul>
  <//>`;
}

/** 统计: the chart and the table by street. */
export function Summary() {
  const { data, asOf } = useSummary();
  return html`<main id="main"><h1 tabindex="-1">${t('summaryTitle')}</h1>
    ${!data ? html`<p class="muted">${t('noData')}</p>` : html`<${OfflineNote} asOf=${asOf} />
      <${Bars} streets=${data.streets} />
      <${Table} data=${data} />`}
  </main>`;
}
