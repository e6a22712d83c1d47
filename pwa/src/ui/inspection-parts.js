/**
 * The pieces of inspections other screens show (a home's drafts to resume, a site's inspections, a score):
 * small, and loaded with every screen; running a checklist (inspection.js) loads when first opened.
 */
import { html } from 'htm/preact';
import { formatTime, t } from '../i18n/index.js';
import { myInspections, previewScore, progress, serverScore } from '../lib/checklist.js';
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

/**
 * 我的检查（近 30 天）: the inspections the user took part in, as lead, co-inspector or expert (the feed brings a
 * colleague's that names them), with those submitted here and not brought yet; each opens offline.
 */
export function MyInspections() {
  const list = myInspections(state.takenPart, state.inspections);
  if (!list.length) return null;
  const me = state.session?.user?.id;
  return html`<${Section} id="h-my-inspections" title=${t('myInspections', { n: list.length })}>
    <ul class="list" data-testid="my-inspections">${list.map((i) => {
      const part = i.local ? 'lead' : (i.inspectors || []).find((p) => p.user_id === me)?.role;
      const score = i.local ? null : serverScore(i);
      return html`<li key=${i.id} class="row"><a href=${`#/inspection/${i.id}`}>
        <span class="row-title">${i.template_name}</span>
        <span class="row-meta">${[i.site_name, modeName(i.mode), part && term('inspector_roles', part, '')].filter(Boolean).join(' · ')}</span>
        <span class="row-meta small">${i.local ? html`<${ScoreLine} inspection=${i.local} />` : html`<${ScoreText} score=${score} />`}
          <span class="muted"> · ${formatTime(i.finished_at)}</span></span></a></li>`;
    })}</ul><//>`;
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

