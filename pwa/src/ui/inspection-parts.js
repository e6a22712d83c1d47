/**
 * The pieces of inspections other screens show (a home's drafts to resume, a site's inspections, a score):
 * small, and loaded with every screen; running a checklist (inspection.js) loads when first opened.
 */
import { html } from 'htm/preact';
import { formatTime, t } from '../i18n/index.js';
import { previewScore, progress, serverScore } from '../lib/checklist.js';
import { state } from '../store.js';
import { Section, vocabName } from './parts.js';

/** A term of the vocabularies by its code (检查方式, 答案…): the server's name, else ours. */
export const term = (table, code, fallback) => vocabName(table, code, fallback ?? code);
export const modeName = (code) => term('inspection_modes', code, t('inspectionMode'));
export const outcomeName = (code) => term('answer_outcomes', code, t(`outcome_${code}`));
export const kindName = (code) => term('template_kinds', code, '');

/** The inspections begun on this phone and not submitted, for a site or all. */
export const draftsOf = (siteId) => state.inspections.filter((i) => i.status === 'draft' && (!siteId || i.siteId === siteId));

/** 继续检查 links to unfinished drafts, with their progress. */
export function ResumeDrafts({ siteId }) {
  const drafts = draftsOf(siteId);
  if (!drafts.length) return null;
  return html`<ul class="list" data-testid="drafts">${drafts.map((d) => {
    const p = progress(d.template, d.answers);
    return html`<li key=${d.id} class="row"><a href=${`#/inspection/${d.id}`}>
      <span class="row-title">${t('resumeInspection')} · ${d.template.name}</span>
      <span class="row-meta">${siteId ? '' : `${d.siteName} · `}${t('progressOf', { done: p.done, total: p.total })}
        <span class="muted"> · ${formatTime(d.startedAt)}</span></span></a></li>`;
  })}</ul>`;
}

/** The inspections of a site made on this phone: submitted, waiting or with the server's score. */
export function SiteInspections({ siteId }) {
  const done = state.inspections.filter((i) => i.siteId === siteId && i.status !== 'draft');
  if (!done.length) return null;
  return html`<${Section} id="h-site-inspections" title=${t('siteInspections')}><ul class="list">
    ${done.map((i) => html`<li key=${i.id} class="row"><a href=${`#/inspection/${i.id}`}>
      <span class="row-title">${i.template.name}</span>
      <span class="row-meta"><${ScoreLine} inspection=${i} /> <span class="muted">${formatTime(i.finishedAt)}</span></span>
    </a></li>`)}</ul><//>`;
}

export function ScoreText({ score }) {
  const pct = score.percentage == null ? t('noPercentage') : `${score.percentage}%`;
  const verdict = score.passed == null ? '' : ` · ${score.passed ? t('passedYes') : t('passedNo')}`;
  return html`${score.provisional && html`<span class="badge provisional">${t('provisional')}</span> `}
    ${t('scoreLine', { points: score.points, max: score.max, pct })}${verdict}`;
}

function ScoreLine({ inspection }) {
  const score = inspection.server ? serverScore(inspection.server) : previewScore(inspection.template, inspection.answers);
  return html`<span class="small"><${ScoreText} score=${score} /></span>`;
}

