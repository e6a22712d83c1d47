/**
 * 检查: choosing a checklist at a site, running it (offline: the draft is kept in IndexedDB on every answer), and
 * the inspection once submitted, with the phone's score preview (预估) until the server's score replaces it.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { acknowledgementProblem, itemsOf, outcome, previewScore, problems, raisesHazard, serverScore, startable }
  from '../lib/checklist.js';
import { draftAnswers } from '../lib/correction.js';
import { navigate } from '../router.js';
import { discardInspection, refreshInspection, saveInspection, startInspection, state, submitInspection } from '../store.js';
import { HazardRow, Section } from './parts.js';
import { ChecklistBar } from './checklist-bar.js';
import { ChecklistItems } from './checklist-items.js';
import { draftsOf, kindName, modeName, ScoreText } from './inspection-parts.js';
import { CorrectionAction, RevisionHistory } from './inspection-correction.js';
import { AcknowledgementSection, TeamSection } from './inspection-people.js';
import { InspectionRecord, People, TakenPart } from './inspection-taken.js';

// ---- 开始检查 ----

function StartCard({ template, modes, site }) {
  const [mode, setMode] = useState(modes[0]);
  const [busy, setBusy] = useState(false);
  const begun = draftsOf(site.id).find((d) => d.templateId === template.id);
  const start = async () => {
    setBusy(true);
    const draft = await startInspection({ template, site, mode });
    navigate(`/inspection/${draft.id}`, { replace: true });
  };
  const id = `mode-${template.id}`;
  return html`<li class="card stack" data-testid="checklist">
    <h2 class="card-title">${template.name}</h2>
    <p class="muted small">${[kindName(template.kind), t('itemCount', { n: itemsOf(template).length })].filter(Boolean).join(' · ')}</p>
    ${begun ? html`<a class="button primary big" href=${`#/inspection/${begun.id}`}>${t('resumeInspection')}</a>` : html`
      ${modes.length > 1 ? html`<label for=${id}>${t('inspectionMode')}</label>
        <select id=${id} value=${mode} onChange=${(e) => setMode(e.currentTarget.value)}>
          ${modes.map((m) => html`<option key=${m} value=${m}>${modeName(m)}</option>`)}</select>`
    : html`<p class="small">${t('inspectionMode')}：${modeName(mode)}</p>`}
      <button type="button" class="primary big" disabled=${busy} onClick=${start}>${t('startThis')}</button>`}
  </li>`;
}

/** `templateId` (a task's checklist, 检查任务): only that checklist's card, if it applies here; else all of them. */
export function StartInspection({ siteId, templateId }) {
  const site = state.sites.find((s) => s.id === siteId);
  if (!site) return html`<main id="main"><h1 tabindex="-1">${t('startInspection')}</h1><p class="muted">${t('siteNotHere')}</p></main>`;
  const all = startable(state.templates, site, new Set(state.session.user.roles.map((r) => r.role)));
  const family = state.templates.find((x) => x.id === templateId)?.family_id;
  const forTask = all.filter(({ template }) => template.id === templateId || (family && template.family_id === family));
  const choices = forTask.length ? forTask : all;
  return html`<main id="main">
    <p class="back"><a href=${`#/site/${site.id}`}>${t('backTo', { name: site.name })}</a></p>
    <h1 tabindex="-1">${t('startInspection')}</h1>
    <p class="muted">${site.name}</p>
    ${forTask.length > 0 && all.length > forTask.length && html`<p class="small">${t('taskChecklistOnly')}
      <a href=${`#/inspect/${site.id}`}>${t('allChecklists')}</a></p>`}
    ${choices.length ? html`<ul class="start-cards">${choices.map(({ template, modes }) => html`<${StartCard}
      key=${template.id} template=${template} modes=${modes} site=${site} />`)}</ul>`
    : html`<p class="muted">${state.templates.length ? t('noChecklistHere') : t('noChecklistYet')}</p>`}
  </main>`;
}

// ---- running a checklist ----

function Runner({ initial }) {
  const [draft, setDraft] = useState(initial);
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const latest = useRef(initial);
  const saving = useRef(Promise.resolve());
  const { template } = draft;
  const keep = (next) => {
    latest.current = next;
    setDraft(next);
    // Kept on every answer, written as it is given: a reload, a killed browser or an update finds it as it was left.
    saving.current = saveInspection(next).catch(() => {});
  };
  const set = (key) => (patch) => {
    const d = latest.current;
    keep({ ...d, answers: { ...d.answers, [key]: { ...d.answers[key], ...patch } } });
  };
  const update = (patch) => keep({ ...latest.current, ...patch }); // the people named, the acknowledgement
  const found = problems(template, draft.answers);
  const score = previewScore(template, draft.answers);
  async function submit() {
    const keys = Object.keys(found);
    if (keys.length || acknowledgementProblem(latest.current.acknowledgement)) {
      setShow(true);
      const first = keys.length ? `item-${keys[0]}` : 'acknowledgement';
      document.querySelector(`[data-testid="${first}"]`)?.scrollIntoView({ block: 'center' });
      return;
    }
    setBusy(true);
    await saving.current;
    await submitInspection(latest.current); // its page says it waits to be sent, and then that it was
    navigate(`/inspection/${draft.id}`, { replace: true });
  }
  async function discard() {
    if (!confirm(t('confirmDiscardInspection'))) return;
    await saving.current;
    await discardInspection(draft.id);
    navigate(`/site/${draft.siteId}`, { replace: true });
  }
  const left = Object.keys(found).length;
  return html`<main id="main" class="inspection">
    <p class="back"><a href=${`#/site/${draft.siteId}`}>${t('backTo', { name: draft.siteName })}</a></p>
    <h1 tabindex="-1">${template.name}</h1>
    <p class="muted small">${draft.siteName} · ${modeName(draft.mode)} · ${t('startedAt', { time: formatTime(draft.startedAt) })}</p>
    <${ChecklistBar} template=${template} answers=${draft.answers} />
    <p class="small" data-testid="score-preview"><${ScoreText} score=${score} /></p>
    <${ChecklistItems} template=${template} answers=${draft.answers} set=${set} found=${found} show=${show} />
    <${TeamSection} team=${draft.team} update=${update} />
    <${AcknowledgementSection} acknowledgement=${draft.acknowledgement} update=${update} show=${show} />
    ${show && left > 0 && html`<p class="error" role="alert">${t('itemsLeft', { n: left })}</p>`}
    <button type="button" class="primary huge" disabled=${busy} onClick=${submit}>${t('submitInspection')}</button>
    <button type="button" class="danger wide" disabled=${busy} onClick=${discard}>${t('discardInspection')}</button>
  </main>`;
}

// ---- the inspection, submitted ----

function Submitted({ inspection }) {
  const { server, template } = inspection;
  const item = state.items.find((i) => i.id === inspection.id);
  useEffect(() => {
    if (state.online && !item) refreshInspection(inspection.id).catch(() => {});
  }, [state.online, !!item]);
  const score = server ? serverScore(server) : previewScore(template, inspection.answers);
  // The server's answers once it has them: after a correction, those of the current revision.
  const answers = server?.answers ? draftAnswers(template, server.answers) : inspection.answers;
  const failing = itemsOf(template).filter((i) => outcome(i, answers[i.key]) === 'fail');
  const raising = failing.filter((i) => raisesHazard(i, answers[i.key]));
  let status = t('inspectionSent');
  if (item) status = item.status === 'attention' ? t('needsAttention') : t('inspectionQueued');
  return html`<main id="main">
    <p class="back"><a href=${`#/site/${inspection.siteId}`}>${t('backTo', { name: inspection.siteName })}</a></p>
    <h1 tabindex="-1">${template.name}</h1>
    <p class="muted small">${inspection.siteName} · ${modeName(inspection.mode)} ·
      ${formatTime(inspection.startedAt)}–${formatTime(inspection.finishedAt, { date: false })}</p>
    <p class=${`notice${item?.status === 'attention' ? ' warn' : ''}`} role="status" data-testid="inspection-status">${status}
      ${item?.error && html` · ${item.error.message}`}</p>
    <${People} inspectors=${server?.inspectors} team=${inspection.team} acknowledgement=${inspection.acknowledgement}
      acknowledgedBy=${server?.acknowledgement?.name} />
    <section aria-labelledby="h-score" class="card" data-testid="inspection-score">
      <h2 id="h-score">${server ? t('serverScore') : t('previewScore')}</h2>
      <p class="score"><${ScoreText} score=${score} /></p>
      ${!server && html`<p class="muted small">${t('provisionalHint')}</p>`}
      ${server?.revision > 1 && html`<p class="small" data-testid="inspection-revision">${t('revisionN', { n: server.revision })}</p>`}
      ${server?.explanation?.length > 0 ? html`<h3 class="small">${t('howScored')}</h3>
        <ul class="plain" data-testid="explanation">${server.explanation.map((line, i) => html`<li key=${i}>${line}</li>`)}</ul>`
    : html`<ul class="plain">${score.sections.map((s) => html`<li key=${s.key}>${s.title}：${s.points}/${s.max}
        ${s.critical_failed ? ` · ${t('criticalFailed')}` : ''}</li>`)}</ul>`}
    </section>
    ${server && html`<${CorrectionAction} inspectionId=${inspection.id} view=${server} />`}
    ${server && html`<${RevisionHistory} id=${inspection.id} revision=${server.revision} inspectors=${server.inspectors}
      template=${template} recordName=${`${t('recordTitle')}-${inspection.siteName}`} />`}
    <${Section} id="h-inspection-hazards" title=${t('inspectionHazards')}>
      ${server ? (server.hazards.length ? html`<ul class="list" data-testid="inspection-hazards">${server.hazards.map((h) => {
        const known = state.hazards.find((x) => x.id === h.hazard_id); // once the feed has brought it: its state
        if (known) return html`<${HazardRow} key=${h.hazard_id} hazard=${known} />`;
        const it = itemsOf(template).find((x) => x.key === h.item);
        return html`<li key=${h.hazard_id} class="row"><a href=${`#/hazard/${h.hazard_id}`}><span class="row-title">${it?.text || h.item}</span></a></li>`;
      })}</ul>` : html`<p class="muted">${t('noInspectionHazards')}</p>`)
    : html`<p class="muted">${t('hazardsToRaise', { n: raising.length })}</p>`}
    <//>
    ${failing.length > 0 && html`<${Section} id="h-failed" title=${t('failedItems', { n: failing.length })}>
      <ul class="plain">${failing.map((i) => html`<li key=${i.key}>${i.text}</li>`)}</ul><//>`}
    ${server && html`<${InspectionRecord} id=${inspection.id} siteName=${inspection.siteName} finishedAt=${inspection.finishedAt}
      revision=${server.revision} />`}
  </main>`;
}

export function Inspection({ id }) {
  const inspection = state.inspections.find((i) => i.id === id);
  const taken = !inspection && state.takenPart.find((i) => i.id === id); // a colleague's, naming the user
  if (taken) return html`<${TakenPart} inspection=${taken} />`;
  if (!inspection) return html`<main id="main"><h1 tabindex="-1">${t('inspection')}</h1><p class="muted">${t('inspectionNotHere')}</p></main>`;
  if (inspection.status === 'draft') return html`<${Runner} key=${id} initial=${inspection} />`;
  return html`<${Submitted} inspection=${inspection} />`;
}
