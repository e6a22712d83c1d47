/**
 * 更正: an inspector corrects a submitted inspection on the phone (the current revision's answers in the checklist,
 * a reason, sent through the outbox as a new revision), and the inspection's 版本记录 (each revision, who, when,
 * why, its score, its answers and its record). Loaded with the inspection's page.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { previewScore, problems } from '../lib/checklist.js';
import { answerOutcomes, changedItems, correctable, correctionProblem, refusalOf, revisionRows } from '../lib/correction.js';
import { inspectionRevisions } from '../lib/kept.js';
import { navigate } from '../router.js';
import { discardCorrection, redoCorrection, saveCorrection, startCorrection, state, submitCorrection } from '../store.js';
import { ChecklistBar } from './checklist-bar.js';
import { RecordLink } from './documents.js';
import { outcomeName, ScoreText } from './inspection-parts.js';
import { ChecklistItems } from './checklist-items.js';
import { Section } from './parts.js';

const correctionOf = (inspectionId) => state.corrections.find((c) => c.inspectionId === inspectionId);

// ---- on the inspection's page: 更正, or where the correction begun stands ----

function StartButton({ inspectionId }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function begin() {
    setBusy(true);
    setError(null);
    try {
      await startCorrection(inspectionId);
      navigate(`/correct/${inspectionId}`);
    } catch (e) {
      setError(e.code === 'offline' ? t('correctionNeedsNetwork') : t('correctionFailed', { msg: e.message }));
      setBusy(false);
    }
  }
  return html`<button type="button" class="wide" disabled=${busy} onClick=${begin}>${t('correct')}</button>
    ${error && html`<p class="error" role="alert">${error}</p>`}`;
}

/** A correction the server refused: what it means, and the way on (the latest revision, to correct again). */
function Refused({ correction, error }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(null);
  const refusal = refusalOf(error);
  const discard = async () => {
    if (confirm(t('confirmDiscardCorrection'))) await discardCorrection(correction.id);
  };
  async function redo() {
    setBusy(true);
    setFailed(null);
    try {
      await redoCorrection(correction);
      navigate(`/correct/${correction.inspectionId}`);
    } catch (e) {
      setFailed(e.code === 'offline' ? t('redoNeedsNetwork') : t('correctionFailed', { msg: e.message }));
      setBusy(false);
    }
  }
  let text = t('correctionRefused', { msg: refusal.message });
  if (refusal.kind === 'stale') text = refusal.current ? t('correctionStale', { n: refusal.current }) : t('correctionStaleUnknown');
  if (refusal.kind === 'taken') text = t('correctionTaken');
  return html`<div class="notice warn" role="alert" data-testid="correction-refused"><p>${text}</p>
    ${refusal.kind === 'stale' && html`<button type="button" class="primary wide" disabled=${busy || !state.online}
      onClick=${redo}>${t('redoCorrection')}</button>
      ${!state.online && html`<p class="small">${t('redoNeedsNetwork')}</p>`}`}
    ${failed && html`<p class="error">${failed}</p>`}
    <button type="button" class="danger wide" disabled=${busy} onClick=${discard}>${t('discardCorrection')}</button></div>`;
}

/**
 * 更正 for the inspection's inspectors (`view`: the server's inspection or the feed's summary, naming them), or the
 * correction begun on this phone: a draft to resume, waiting to be sent with its provisional score, or refused.
 */
export function CorrectionAction({ inspectionId, view }) {
  const correction = correctionOf(inspectionId);
  const item = correction && state.items.find((i) => i.id === correction.id);
  // Queued but no longer in the outbox: sent (its answer is on the way to the page) or given up in 待发送.
  if (!correction || (correction.status === 'queued' && !item)) {
    return correctable(state.session?.user?.id, view) ? html`<${StartButton} inspectionId=${inspectionId} />` : null;
  }
  if (correction.status === 'draft') {
    return html`<p class="notice" data-testid="correction-status">${t('correctionDraft')}
      <a class="button primary wide" href=${`#/correct/${inspectionId}`}>${t('resumeCorrection')}</a></p>`;
  }
  if (item?.status === 'attention') return html`<${Refused} correction=${correction} error=${item.error} />`;
  return html`<div class="notice" role="status" data-testid="correction-status">
    <p>${t('correctionQueued', { n: correction.basedOn + 1 })}</p>
    <p class="small">${t('correctionPreview')}：<${ScoreText} score=${previewScore(correction.template, correction.answers)} /></p>
    <p class="small">${t('reasonLine', { reason: correction.reason })}</p></div>`;
}

// ---- 版本记录 ----

function RevisionAnswers({ template, answers }) {
  if (!template) return null;
  return html`<ol class="plain small">${answerOutcomes(template, answers).filter((x) => x.answer).map(({ item, answer, outcome }) =>
    html`<li key=${item.key}>${item.text}：${outcomeName(outcome)}${answer.note ? `（${answer.note}）` : ''}</li>`)}</ol>`;
}

/**
 * The inspection's revisions, newest first (the current one on top), once it was corrected: each with who made it,
 * when, why and its score, opening to its answers and its record (an earlier revision's PDF too). Read online and
 * kept; offline, the copy kept.
 */
export function RevisionHistory({ id, revision, inspectors, template, recordName }) {
  const [read, setRead] = useState(null);
  useEffect(() => {
    if (!revision || revision < 2) return undefined;
    let gone = false;
    inspectionRevisions(id).then((r) => { if (!gone) setRead(r); }).catch(() => { if (!gone) setRead({ failed: true }); });
    return () => { gone = true; };
  }, [id, revision, state.online]);
  if (!revision || revision < 2) return null;
  const rows = read?.value ? revisionRows(read.value, inspectors) : [];
  return html`<${Section} id="h-revisions" title=${t('revisionsTitle')}>
    ${read?.failed && html`<p class="muted">${t('revisionsOffline')}</p>`}
    ${read?.stale && html`<p class="muted small">${t('keptCopy', { time: formatTime(read.at) })}</p>`}
    <ul class="revisions" data-testid="revisions">${rows.map((r) => html`<li key=${r.number} class="card"
        data-testid=${r.number === revision ? 'current-revision' : `revision-${r.number}`}>
      <h3 class="card-title">${t('revisionLabel', { n: r.number })}${r.number === revision ? t('revisionCurrent') : ''}</h3>
      <p class="muted small">${[r.author, formatTime(r.at)].filter(Boolean).join(' · ')}</p>
      <p>${r.number === 1 ? t('firstSubmission') : t('reasonLine', { reason: r.reason })}</p>
      <p class="small"><${ScoreText} score=${r.score} /></p>
      <details><summary>${t('revisionAnswers')}</summary>
        <${RevisionAnswers} template=${template} answers=${r.answers} />
        ${state.online && html`<${RecordLink} id=${id} revision=${r.number} name=${`${recordName}-${t('revisionLabel', { n: r.number })}`}
          label=${t('revisionRecord', { n: r.number })} />`}
      </details>
    </li>`)}</ul>
  <//>`;
}

// ---- the correction itself (#/correct/<inspectionId>) ----

function CorrectionRunner({ initial }) {
  const [draft, setDraft] = useState(initial);
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const latest = useRef(initial);
  const saving = useRef(Promise.resolve());
  const { template } = draft;
  const keep = (next) => {
    latest.current = next;
    setDraft(next);
    saving.current = saveCorrection(next).catch(() => {}); // kept on every change: a reload finds it as left
  };
  const set = (key) => (patch) => {
    const d = latest.current;
    keep({ ...d, answers: { ...d.answers, [key]: { ...d.answers[key], ...patch } } });
  };
  const found = problems(template, draft.answers);
  const changed = changedItems(template, draft.base, draft.answers);
  const problem = correctionProblem(draft);
  const back = `/inspection/${draft.inspectionId}`;
  async function submit() {
    const keys = Object.keys(found);
    if (keys.length || problem) {
      setShow(true);
      const first = keys.length ? `[data-testid="item-${keys[0]}"]` : '#correction-reason';
      document.querySelector(first)?.scrollIntoView({ block: 'center' });
      return;
    }
    setBusy(true);
    await saving.current;
    await submitCorrection(latest.current);
    navigate(back, { replace: true });
  }
  async function discard() {
    if (!confirm(t('confirmDiscardCorrection'))) return;
    await saving.current;
    await discardCorrection(draft.id);
    navigate(back, { replace: true });
  }
  const left = Object.keys(found).length;
  return html`<main id="main" class="inspection">
    <p class="back"><a href=${`#${back}`}>${t('backToInspection')}</a></p>
    <h1 tabindex="-1">${t('correctTitle', { name: template.name })}</h1>
    <p class="muted small">${draft.siteName} · ${t('correctBasis', { n: draft.basedOn, next: draft.basedOn + 1 })}</p>
    <${ChecklistBar} template=${template} answers=${draft.answers} />
    <p class="small" data-testid="score-preview"><${ScoreText} score=${previewScore(template, draft.answers)} /></p>
    <${ChecklistItems} template=${template} answers=${draft.answers} set=${set} found=${found} show=${show} />
    <section aria-labelledby="h-reason" class="card stack">
      <h2 id="h-reason">${t('correctionSection')}</h2>
      <p class="small" data-testid="correction-changes">${changed.length
        ? t('correctionChanged', { n: changed.length, items: changed.map((i) => i.text).join('；') }) : t('correctionUnchanged')}</p>
      <label for="correction-reason">${t('correctionReason')}</label>
      <textarea id="correction-reason" rows="3" maxlength="1000" value=${draft.reason}
        placeholder=${t('correctionReasonHint')} onInput=${(e) => keep({ ...latest.current, reason: e.currentTarget.value })}></textarea>
      ${show && problem && html`<p class="error" role="alert">${problem === 'unchanged' ? t('correctionUnchanged') : t('correctionNeedsReason')}</p>`}
    </section>
    ${show && left > 0 && html`<p class="error" role="alert">${t('itemsLeft', { n: left })}</p>`}
    <button type="button" class="primary huge" disabled=${busy} onClick=${submit}>${t('submitCorrection')}</button>
    <button type="button" class="danger wide" disabled=${busy} onClick=${discard}>${t('discardCorrection')}</button>
  </main>`;
}

/** The correction of an inspection begun on this phone, to run; once submitted, its inspection's page says how it stands. */
export function Correction({ inspectionId }) {
  const correction = correctionOf(inspectionId);
  if (!correction || correction.status !== 'draft') {
    return html`<main id="main"><p class="back"><a href=${`#/inspection/${inspectionId}`}>${t('backToInspection')}</a></p>
      <h1 tabindex="-1">${t('correct')}</h1><p class="muted">${t('correctionNotHere')}</p></main>`;
  }
  return html`<${CorrectionRunner} key=${correction.id} initial=${correction} />`;
}
