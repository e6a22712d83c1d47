/**
 * 双月考核: the streets' or the departments' scorecards of a two-month period, ranked (名次, 单位, 得分), a unit's lines
 * opened on tap with their raw numbers (12/15), weight and points as the server computed them, and the XLSX export.
 * Read online and kept; offline, the copy last read, said so.
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { currentLang, t } from '../i18n/index.js';
import { fetchBlob, get } from '../lib/api.js';
import { serverNow } from '../lib/clock.js';
import { isPeriod, lastPeriod, levelsFor, periodParts, recentPeriods } from '../lib/scorecards.js';
import { navigate } from '../router.js';
import { state } from '../store.js';
import { saveFile } from './documents.js';
import { ReadState, useKept } from './rankings.js';

/** Who reads the rankings (考核排名), as the app's navigation has them. */
const RANKING_READERS = ['department_officer', 'supervisor', 'admin'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2026年第6期（11–12月） / 2026 period 6 (Nov–Dec). */
export function periodLabel(period) {
  const { year, n, first, last } = periodParts(period);
  const en = currentLang() === 'en';
  return t('periodLabel', { year, n, first: en ? MONTHS_EN[first - 1] : first, last: en ? MONTHS_EN[last - 1] : last });
}

const unitKey = (u) => String(u.area_id ?? u.sector);
const points = (x) => (x == null ? '—' : String(x));
export const scorecardPath = (level, period, unit) => `/scorecards?level=${level}&period=${period}${unit ? `&unit=${unit}` : ''}`;

/** A unit's lines: what each counts, its raw numbers and how they made its points. */
function Lines({ unit }) {
  return html`<ul class="plain score-lines" data-testid="scorecard-lines">${unit.lines.map((line) => html`
    <li key=${line.key} class=${line.applies ? '' : 'muted'}>
      <span class="line-head"><strong>${line.name}</strong>
        <span class="line-points">${line.applies ? t('linePoints', { points: points(line.points), weight: line.weight }) : t('lineNotApplied')}</span></span>
      <span class="small" data-testid="line-figures">${line.explanation}</span>
      <span class="muted small">${line.rule}</span></li>`)}
    <li class="line-total small">${t('scorecardTotal', { points: unit.points, max: unit.max_points, score: points(unit.score) })}</li></ul>`;
}

function CardTable({ cards, level, period, open }) {
  const columns = ['rankColumn', 'unitColumn', 'scorecardScore', 'scorecardPoints'];
  return html`<div class="table-wrap"><table class="summary-table rank-table scorecard-table" role="table" data-testid="scorecards">
    <thead><tr role="row">${columns.map((key) => html`<th scope="col" role="columnheader" key=${key}>${t(key)}</th>`)}</tr></thead>
    <tbody>${cards.units.map((u) => {
      const key = unitKey(u);
      const opened = key === open;
      const toggle = () => navigate(scorecardPath(level, period, opened ? null : key), { replace: true });
      return html`<tr role="row" key=${key} class=${opened ? 'chosen' : ''} data-testid="scorecard-row">
        <td role="cell" data-label=${t('rankColumn')} class="rank-cell">${u.rank ?? t('notRanked')}</td>
        <th scope="row" role="rowheader"><button type="button" class="linkish unit-link" aria-expanded=${opened}
          aria-controls=${`lines-${key}`} onClick=${toggle}>${u.unit_name}</button></th>
        <td role="cell" data-label=${t('scorecardScore')}><strong>${points(u.score)}</strong></td>
        <td role="cell" data-label=${t('scorecardPoints')}>${u.points} / ${u.max_points}</td></tr>
      ${opened && html`<tr role="row" class="score-lines-row" key=${`${key}-lines`} id=${`lines-${key}`}>
        <td role="cell" colspan="4"><${Lines} unit=${u} /></td></tr>`}`;
    })}</tbody>
  </table></div>`;
}

/** The same cards as an XLSX workbook, fetched with the token and handed to the browser as a file. */
function Export({ level, period }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function save() {
    setBusy(true);
    setError(null);
    try {
      saveFile(await fetchBlob(`scorecards.xlsx?level=${level}&period=${period}`), `${t('scorecardsTitle')}-${period}.xlsx`);
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  }
  return html`<p><button type="button" onClick=${save} disabled=${busy || !state.online} data-testid="scorecards-export">
    ${t('scorecardsExport')}</button>${!state.online && html` <span class="muted small">${t('scorecardsExportOffline')}</span>`}
    ${error && html`<span class="error" role="alert">${error}</span>`}</p>`;
}

/** 双月考核: choose the level (the district's offices) and the period (the last ended unless said), read its cards. */
export function Scorecards({ query }) {
  const levels = levelsFor(state.session.user.roles);
  const roles = new Set(state.session.user.roles.map((r) => r.role));
  const level = levels.includes(query.get('level')) ? query.get('level') : levels[0];
  const period = isPeriod(query.get('period')) ? query.get('period') : lastPeriod(serverNow());
  const open = query.get('unit');
  const got = useKept(level ? `sc/${level}/${period}` : null, () => get(`scorecards?level=${level}&period=${period}`));
  const cards = got?.value;
  const periods = recentPeriods(serverNow());
  if (!periods.includes(period)) periods.push(period);
  const choose = (next) => navigate(scorecardPath(next.level ?? level, next.period ?? period), { replace: true });
  return html`<main id="main" class="rankings scorecards"><h1 tabindex="-1">${t('scorecardsTitle')}</h1>
    ${!level ? html`<p class="muted">${t('scorecardsNone')}</p>` : html`
    <div class="rank-pick">
      ${levels.length > 1 && html`<label>${t('scorecardLevel')}
        <select value=${level} onChange=${(e) => choose({ level: e.currentTarget.value })} data-testid="scorecard-level">
          ${levels.map((l) => html`<option key=${l} value=${l}>${t(`scorecardLevel_${l}`)}</option>`)}
        </select></label>`}
      <label>${t('scorecardPeriod')}
        <select value=${period} onChange=${(e) => choose({ period: e.currentTarget.value })} data-testid="scorecard-period">
          ${periods.map((p, i) => html`<option key=${p} value=${p}>${periodLabel(p)}${i === 0 ? t('periodUnderWay') : ''}</option>`)}
        </select></label>
    </div>
    <${ReadState} got=${got} />
    ${cards && html`
      <p class="small" data-testid="scorecards-summary">${t('scorecardsSummary', { n: cards.ranked })}
        ${cards.demo_weighting && html` <span class="badge provisional">${t('demoWeighting')}</span>`}</p>
      ${!cards.complete && html`<p class="notice warn small" role="status">${t('periodIncomplete')}</p>`}
      ${cards.units.length ? html`<${CardTable} cards=${cards} level=${level} period=${period} open=${open} />
        <p class="muted small">${t('scorecardsHow')}</p>
        <${Export} level=${level} period=${period} />`
        : html`<p class="muted">${t('scorecardsNoUnits')}</p>`}`}`}
    ${RANKING_READERS.some((r) => roles.has(r)) && html`<p><a href="#/rankings">${t('rankingsOpen')}</a></p>`}
  </main>`;
}
