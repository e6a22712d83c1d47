/**
 * 考核排名: a checklist's month ranked (名次, 单位, 平均分, 考核次数), the bottom group marked and the 约谈 flags, a unit's
 * months on tap (department officers, supervisors); an enterprise's own assessments with their score and rank, and
 * one assessment with its server score and its record (检查记录 PDF). Read online; offline, the copy last read, said so.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { call, get } from '../lib/api.js';
import { serverScore } from '../lib/checklist.js';
import { serverNow } from '../lib/clock.js';
import { rankingKept, rankingRead } from '../lib/kept.js';
import { assessmentFamilies, assessmentRows, isMonth, lastMonth, monthOf, monthsSinceFirst, rankingKeys, recentMonths,
  scoreText, summonsTarget } from '../lib/rankings.js';
import { levelsFor } from '../lib/scorecards.js';
import { navigate } from '../router.js';
import { state } from '../store.js';
import { RecordLink } from './documents.js';
import { modeName, ScoreText } from './inspection-parts.js';
import { Section } from './parts.js';

/** `read()` kept under `name`, read again when `name` changes: {value, at, stale} once known, or {error}; the copy
 * kept is shown at once while the read is under way (not marked: it is marked once the read has failed). */
export function useKept(name, read) {
  const [got, setGot] = useState(null);
  useEffect(() => {
    if (!name) return undefined;
    let answered = false;
    setGot(null);
    rankingKept(name).then((copy) => { if (copy && !answered) setGot({ ...copy, stale: false }); });
    rankingRead(name, read).then((answer) => { if (!answered) setGot(answer); answered = true; },
      (error) => { if (!answered) setGot({ error }); answered = true; });
    return () => { answered = true; };
  }, [name]);
  return got;
}

/** Where the page stands: loading, failed (offline and nothing kept), or showing a kept copy. */
export function ReadState({ got }) {
  if (!got) return html`<p class="muted" role="status">${t('screenLoading')}</p>`;
  if (got.error) return html`<p class="muted" role="status">${state.online ? got.error.message : t('rankingsOffline')}</p>`;
  if (got.stale) return html`<p class="notice warn small" role="status" data-testid="kept-copy">${t('keptCopy', { time: formatTime(got.at) })}</p>`;
  return null;
}

const placeText = (rank, of) => (rank == null ? t('notAssessed') : t('rankOf', { rank, of }));

export const rankingPath = (family, month, site) => `/rankings?family=${family}&month=${month}${site ? `&site=${site}` : ''}`;

const Flags = ({ unit }) => html`${unit.summon ? html` <span class="badge flag" data-testid="summon-flag">${t('summonFlag')}</span>`
  : unit.bottom ? html` <span class="badge provisional">${t('bottomGroup')}</span>` : ''}`;

/** The month's table: one row a unit, a card each below 32rem (styles.css), the unit's name opening its months. */
function RankTable({ ranking, family, month, site }) {
  const columns = ['rankColumn', 'unitColumn', 'meanScore', 'assessmentCount'];
  return html`<div class="table-wrap"><table class="summary-table rank-table" role="table" data-testid="ranking">
    <thead><tr role="row">${columns.map((key) => html`<th scope="col" role="columnheader" key=${key}>${t(key)}</th>`)}</tr></thead>
    <tbody>${ranking.units.map((u) => html`<tr role="row" key=${u.site_id}
        class=${[u.bottom && 'low', u.summon && 'summon', u.site_id === site && 'chosen'].filter(Boolean).join(' ')}>
      <td role="cell" data-label=${t('rankColumn')} class="rank-cell">${u.rank ?? t('notAssessed')}</td>
      <th scope="row" role="rowheader"><a href=${`#${rankingPath(family, month, u.site_id)}`} class="unit-link">${u.site_name}</a>
        <${Flags} unit=${u} />${u.enterprise_name && html`<span class="muted small unit-enterprise">${u.enterprise_name}</span>`}</th>
      <td role="cell" data-label=${t('meanScore')}>${scoreText(u.score)}</td>
      <td role="cell" data-label=${t('assessmentCount')}>${u.assessments}</td></tr>`)}</tbody>
  </table></div>`;
}

/** One unit's months on the checklist since it was first assessed, the newest first; brought into view when opened. */
function UnitHistory({ family, site, month, name }) {
  const got = useKept(`h/${family}/${site}/${month}`,
    () => get(`inspection-rankings/history?family_id=${family}&site_id=${site}&month=${month}&months=12`));
  const here = useRef(null);
  useEffect(() => { here.current?.scrollIntoView?.({ block: 'start' }); }, [site]);
  const months = got?.value ? monthsSinceFirst(got.value) : [];
  return html`<div ref=${here} class="unit-history"><${Section} id="h-unit-history" title=${t('unitHistory', { name: name || '' })}>
    <${ReadState} got=${got} />
    ${got?.value && (months.length ? html`<ul class="list" data-testid="unit-history">${months.map((m) => html`
      <li key=${m.month} class=${`row item${m.summon ? ' summon' : ''}`}><span class="row-title">${m.month} · ${placeText(m.rank, m.ranked)}</span>
        ${m.assessed && html`<span class="small">${t('meanAndCount', { score: scoreText(m.score), n: m.assessments })}<${Flags} unit=${m} /></span>`}</li>`)}</ul>`
    : html`<p class="muted">${t('neverAssessed')}</p>`)}
    <p><a class="button" href=${`#${rankingPath(family, month)}`}>${t('closeHistory')}</a></p>
  <//></div>`;
}

/** A summons (约谈) from the inbox: found among those the user may see, then its checklist's month opened. */
function SummonsOpen({ id }) {
  const got = useKept('summonses', () => get('summonses?page_size=100'));
  const target = got?.value && summonsTarget(got.value, id);
  useEffect(() => {
    if (target) navigate(rankingPath(target.family, target.month, target.site), { replace: true });
  }, [!!target]);
  if (got?.value && !target) return html`<p class="muted" role="status">${t('summonsNotFound')}</p>`;
  return html`<${ReadState} got=${got} />`;
}

/** Whether the user may confirm a checklist's month (POST /summonses): supervisors and admins, a department for the
 * checklists its sector owns. */
function mayConfirm(family) {
  const roles = state.session.user.roles;
  if (roles.some((r) => r.role === 'supervisor' || r.role === 'admin')) return true;
  const owner = state.templates.find((tpl) => tpl.family_id === family)?.owner_sector;
  return !!owner && roles.some((r) => r.role === 'department_officer' && r.sector === owner);
}

/** 确认约谈名单: an ended month's flagged units put on record for 约谈 (and in the owning department's inbox), after the
 * user has said yes to what it will do; the units already on record said so. */
function ConfirmMonth({ family, month, name, flagged }) {
  const got = useKept(`s/${family}/${month}`, () => get(`summonses?family_id=${family}&month=${month}&page_size=100`));
  const [done, setDone] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const onRecord = new Set((done || got?.value || []).map((s) => s.site_id));
  const waiting = flagged.filter((u) => !onRecord.has(u.site_id));
  async function confirmMonth() {
    if (!window.confirm(t('confirmSummonsAsk', { month, name, n: waiting.length, names: waiting.map((u) => u.site_name).join('、') }))) return;
    setBusy(true);
    setError(null);
    try {
      setDone((await call('summonses', { method: 'POST', json: { family_id: family, month } })).data);
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  }
  if (!got?.value && !done) return null;
  return html`<div class="stack confirm-month">
    ${waiting.length < flagged.length && html`<p class="small" data-testid="summons-on-record">${t('summonsOnRecord', { n: flagged.length - waiting.length })}</p>`}
    ${waiting.length > 0 && html`<button type="button" class="primary" disabled=${busy || !state.online} onClick=${confirmMonth}>
      ${t('confirmSummons', { n: waiting.length })}</button>
      ${!state.online && html`<p class="muted small">${t('confirmSummonsOffline')}</p>`}`}
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </div>`;
}

/** 考核排名: choose the checklist and the month (last month unless said), read its ranking. */
export function Rankings({ query }) {
  const families = assessmentFamilies(state.templates);
  const summons = query.get('summons');
  const family = query.get('family') || families[0]?.family_id;
  const month = isMonth(query.get('month')) ? query.get('month') : lastMonth(serverNow());
  const site = query.get('site');
  const got = useKept(summons || !family ? null : `${family}/${month}`,
    () => get(`inspection-rankings?family_id=${family}&month=${month}`));
  const ranking = got?.value;
  const months = recentMonths(serverNow());
  if (!months.includes(month)) months.push(month);
  const choose = (next) => navigate(rankingPath(next.family ?? family, next.month ?? month), { replace: true });
  const flagged = ranking?.units.filter((u) => u.summon) || [];
  return html`<main id="main" class="rankings"><h1 tabindex="-1">${t('rankingsTitle')}</h1>
    ${summons ? html`<${SummonsOpen} id=${summons} />` : html`
    ${!families.length && html`<p class="muted">${t('noAssessmentChecklists')}</p>`}
    ${families.length > 0 && html`<div class="rank-pick">
      <label>${t('assessmentChecklist')}
        <select value=${family} onChange=${(e) => choose({ family: e.currentTarget.value })}>
          ${families.map((f) => html`<option key=${f.family_id} value=${f.family_id}>${f.name}</option>`)}
          ${!families.some((f) => f.family_id === family) && html`<option value=${family}>${ranking?.template_name || t('checklistUnknown')}</option>`}
        </select></label>
      <label>${t('rankMonth')}
        <select value=${month} onChange=${(e) => choose({ month: e.currentTarget.value })}>
          ${months.map((m) => html`<option key=${m} value=${m}>${m}</option>`)}
        </select></label>
    </div>`}
    ${family && html`<${ReadState} got=${got} />`}
    ${ranking && html`
      <p class="small" data-testid="ranking-summary">${t('rankingSummary', { n: ranking.ranked, bottom: ranking.bottom_size })}</p>
      ${flagged.length > 0 && html`<p class="notice warn" role="status" data-testid="summon-notice">
        ${t('summonNotice', { names: flagged.map((u) => u.site_name).join('、') })} <a href="#/summonses">${t('summonsOpen')}</a></p>
        ${month < monthOf(serverNow()) && mayConfirm(family) && html`<${ConfirmMonth} key=${`${family}/${month}`} family=${family}
          month=${month} name=${ranking.template_name} flagged=${flagged} />`}`}
      ${site && html`<${UnitHistory} family=${family} site=${site} month=${month}
        name=${ranking.units.find((u) => u.site_id === site)?.site_name} />`}
      ${ranking.units.length ? html`<${RankTable} ranking=${ranking} family=${family} month=${month} site=${site} />`
        : html`<p class="muted">${t('noUnitsInView')}</p>`}`}`}
    ${levelsFor(state.session.user.roles).length > 0 && html`<p><a href="#/scorecards" data-testid="scorecards-link">${t('scorecardsOpen')}</a></p>`}
  </main>`;
}

// ---- the enterprise's assessments ----

const brief = ({ id, template_id, template_name, site_id, site_name, mode, finished_at, points, max_points,
  percentage, passed }) => ({ id, template_id, template_name, site_id, site_name, mode, finished_at, points,
  max_points, percentage, passed });

/** The checklist family and kind of each version the inspections name: the synced templates, else asked. */
async function familiesOf(inspections) {
  const families = Object.fromEntries(state.templates.map((tpl) => [tpl.id, { family_id: tpl.family_id, kind: tpl.kind }]));
  for (const id of new Set(inspections.map((i) => i.template_id))) {
    if (families[id]) continue;
    try {
      const tpl = await get(`inspection-templates/${id}`);
      families[id] = { family_id: tpl.family_id, kind: tpl.kind };
    } catch { /* a version out of view: not ranked here */ }
  }
  return families;
}

/** The enterprise's inspections, their checklists and the rankings of their months, read at once and kept. */
async function readAssessments() {
  const inspections = (await get('inspections?page_size=100')).map(brief);
  const families = await familiesOf(inspections);
  const rankings = {};
  for (const key of rankingKeys(assessmentRows(inspections, families))) {
    const [family, month] = key.split('/');
    try {
      const r = await get(`inspection-rankings?family_id=${family}&month=${month}`);
      rankings[key] = { ranked: r.ranked, units: r.units.map(({ site_id, rank, summon }) => ({ site_id, rank, summon })) };
    } catch { /* shown without its rank */ }
  }
  return { inspections, families, rankings };
}

const AssessmentScore = ({ inspection }) => html`<${ScoreText} score=${serverScore(inspection)} />`;

/** 我的考核: on the enterprise's home, each assessment with its month, score, verdict and rank. */
export function EnterpriseAssessments() {
  const got = useKept('assessments', readAssessments);
  const rows = got?.value ? assessmentRows(got.value.inspections, got.value.families, got.value.rankings) : [];
  return html`<${Section} id="h-assessments" title=${t('ownAssessments', { n: rows.length })}>
    <${ReadState} got=${got} />
    ${got?.value && (rows.length ? html`<ul class="list" data-testid="own-assessments">${rows.map(({ inspection: i, month, place }) => html`
      <li key=${i.id} class="row"><a href=${`#/assessment/${i.id}`}>
        <span class="row-title">${month} · ${i.template_name}</span>
        <span class="small"><${AssessmentScore} inspection=${i} /></span>
        <span class="small">${i.site_name} · ${place ? placeText(place.rank, place.of) : t('rankUnknown')}
          ${place?.summon && html` <span class="badge flag">${t('summonFlag')}</span>`}</span></a></li>`)}</ul>`
    : html`<p class="muted">${t('noAssessments')}</p>`)}
    ${rows.some((r) => r.place?.summon) && html`<p><a class="button" href="#/summonses">${t('summonsOpen')}</a></p>`}
  <//>`;
}

// ---- one assessment ----

async function readAssessment(id) {
  const inspection = await get(`inspections/${id}`);
  const [families, month] = [await familiesOf([inspection]), monthOf(inspection.finished_at)];
  const family = families[inspection.template_id];
  let place = null;
  if (family?.kind === 'assessment') {
    try {
      const r = await get(`inspection-rankings?family_id=${family.family_id}&month=${month}`);
      const unit = r.units.find((u) => u.site_id === inspection.site_id);
      if (unit) place = { rank: unit.rank, of: r.ranked, summon: unit.summon };
    } catch { /* shown without its rank */ }
  }
  const { sections, points, max, percentage, passed, pass_mark: passMark } = { ...serverScore(inspection) };
  return { inspection: { ...brief(inspection), explanation: inspection.explanation || [], score: { sections, points,
    max, percentage, passed, pass_mark: passMark } }, month, place };
}

/** 考核详情: one assessment as the server scored it, its rank that month, its record. */
export function Assessment({ id }) {
  const got = useKept(`i/${id}`, () => readAssessment(id));
  const a = got?.value;
  const score = a && serverScore(a.inspection);
  return html`<main id="main"><p class="back"><a href="#/">${t('navHome')}</a></p>
    <h1 tabindex="-1">${a ? a.inspection.template_name : t('assessmentTitle')}</h1>
    <${ReadState} got=${got} />
    ${a && html`<p class="muted small">${a.inspection.site_name} · ${modeName(a.inspection.mode)} · ${formatTime(a.inspection.finished_at)}</p>
      <section aria-labelledby="h-score" class="card" data-testid="assessment-score">
        <h2 id="h-score">${t('serverScore')}</h2>
        <p class="score"><${ScoreText} score=${score} /></p>
        <p data-testid="assessment-rank">${t('monthRank', { month: a.month })}${a.place ? placeText(a.place.rank, a.place.of) : t('rankUnknown')}
          ${a.place?.summon && html` <span class="badge flag">${t('summonFlag')}</span>`}</p>
        ${a.inspection.explanation.length > 0 ? html`<h3 class="small">${t('howScored')}</h3>
          <ul class="plain">${a.inspection.explanation.map((line, i) => html`<li key=${i}>${line}</li>`)}</ul>`
        : html`<ul class="plain">${score.sections.map((s) => html`<li key=${s.key}>${s.title}：${s.points}/${s.max}</li>`)}</ul>`}
      </section>
      <${Section} id="h-record" title=${t('recordTitle')}><${RecordLink} id=${id} name=${`${t('recordTitle')}-${a.inspection.site_name}-${a.month}`} /><//>`}
  </main>`;
}
