/** 隐患统计: the supervisors' summary by street, with a bar chart of closure rates in plain SVG. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { get } from '../lib/api.js';
import { getMeta, setMeta, state } from '../store.js';

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

export function Summary({ embedded = false }) {
  const [data, setData] = useState(null);
  const [asOf, setAsOf] = useState(null);
  useEffect(() => {
    getMeta('summary').then((cached) => { if (cached) { setData(cached.data); setAsOf(cached.at); } });
    if (state.online) {
      get('hazards/summary').then((fresh) => {
        setData(fresh);
        setAsOf(null);
        setMeta('summary', { data: fresh, at: new Date().toISOString() });
      }).catch(() => {});
    }
  }, []);
  const Heading = embedded ? 'h2' : 'h1';
  const body = !data ? html`<p class="muted">${t('noData')}</p>` : html`
    ${asOf && html`<p class="muted small">${t('summaryOffline', { time: formatTime(asOf) })}</p>`}
    <${Bars} streets=${data.streets} />
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">${t('street')}</th><th scope="col">${t('reported')}</th><th scope="col">${t('closureRate')}</th>
        <th scope="col">${t('overdue')}</th><th scope="col">${t('ackWithin30')}</th><th scope="col">${t('overdueAck')}</th></tr></thead>
      <tbody>${data.streets.map((s) => html`<tr key=${s.street_id}><th scope="row">${s.street_name}</th><td>${s.reported}</td>
        <td>${pct(s.closure_rate)}</td><td>${s.overdue_rectification}</td><td>${pct(s.acknowledged_within_target)}</td>
        <td>${s.overdue_acknowledgement}</td></tr>`)}</tbody>
      <tfoot><tr><th scope="row">${t('total')}</th><td>${data.total.reported}</td><td>${pct(data.total.closure_rate)}</td>
        <td>${data.total.overdue_rectification}</td><td>${pct(data.total.acknowledged_within_target)}</td>
        <td>${data.total.overdue_acknowledgement}</td></tr></tfoot>
    </table></div>`;
  if (embedded) return html`<section aria-labelledby="h-summary"><h2 id="h-summary">${t('summaryTitle')}</h2>${body}</section>`;
  return html`<main id="main"><${Heading} tabindex="-1">${t('summaryTitle')}<//>${body}</main>`;
}
