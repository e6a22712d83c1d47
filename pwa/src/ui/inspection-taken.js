/**
 * An inspection's people on its page (the inspectors and experts by name, the party's acknowledgement), and an
 * inspection the user took part in as the feed brought it (a colleague's, naming them): its summary, offline.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { serverScore } from '../lib/checklist.js';
import { monthOf } from '../lib/rankings.js';
import { state } from '../store.js';
import { RecordLink } from './documents.js';
import { HazardRow, Section } from './parts.js';
import { modeName, ScoreText } from './inspection-parts.js';
import { asName } from './inspection-people.js';
import { CorrectionAction, RevisionHistory } from './inspection-correction.js';

/** A signature kept on the phone (its PNG's bytes), shown as it will be sent. */
function DrawnSignature({ photo }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([photo.bytes], { type: photo.type })), [photo.id]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return html`<img class="signature-shown" src=${url} alt=${t('partySignature')} width="300" height="100" />`;
}

/**
 * 检查人员: the server's list once it has answered ({user_id, name, role}), else the phone's own (the user as lead,
 * the team named); and who acknowledged it for the inspected party.
 */
export function People({ inspectors, team = [], acknowledgement, acknowledgedBy }) {
  const people = inspectors?.length
    ? inspectors.map((p) => ({ id: p.user_id, name: p.name, as: p.role }))
    : [{ id: 'me', name: state.session?.user?.name, as: 'lead' }, ...team];
  const ackName = acknowledgedBy ?? (acknowledgement?.signature ? String(acknowledgement.name || '').trim() : '');
  return html`<section aria-labelledby="h-people" class="card" data-testid="inspection-people">
    <h2 id="h-people">${t('inspectionTeam')}</h2>
    <ul class="plain">${people.map((p) => html`<li key=${p.id}>${p.name} · ${asName(p.as)}</li>`)}</ul>
    ${ackName && html`<p>${t('acknowledgedBy', { name: ackName })}</p>`}
    ${ackName && acknowledgement?.signature?.bytes && html`<${DrawnSignature} photo=${acknowledgement.signature} />`}
  </section>`;
}

/** 检查记录 (PDF), read online with the token, named by its site and month as the assessment's is. */
export function InspectionRecord({ id, siteName, finishedAt, revision = 1 }) {
  if (!state.online) return null;
  const name = `${t('recordTitle')}-${siteName}-${monthOf(finishedAt)}${revision > 1 ? `-${t('revisionLabel', { n: revision })}` : ''}`;
  return html`<${Section} id="h-record" title=${t('recordTitle')}>
    <${RecordLink} id=${id} name=${name}
      label=${revision > 1 ? `${t('inspectionRecord')} · ${t('revisionLabel', { n: revision })}` : null} /><//>`;
}

/** An inspection from the feed (the user was its lead, co-inspector or expert): what it found, offline. */
export function TakenPart({ inspection: i }) {
  const score = serverScore(i);
  return html`<main id="main">
    <p class="back"><a href="#/">${t('backHome')}</a></p>
    <h1 tabindex="-1">${i.template_name}</h1>
    <p class="muted small">${[i.site_name, modeName(i.mode), formatTime(i.finished_at)].filter(Boolean).join(' · ')}</p>
    <${People} inspectors=${i.inspectors} acknowledgedBy=${i.acknowledged_by} />
    <section aria-labelledby="h-score" class="card" data-testid="inspection-score">
      <h2 id="h-score">${t('serverScore')}</h2>
      <p class="score"><${ScoreText} score=${score} /></p>
      ${i.revision > 1 && html`<p class="small" data-testid="inspection-revision">${t('revisionN', { n: i.revision })}</p>`}
    </section>
    <${CorrectionAction} inspectionId=${i.id} view=${i} />
    <${RevisionHistory} id=${i.id} revision=${i.revision} inspectors=${i.inspectors}
      template=${state.templates.find((x) => x.id === i.template_id)} recordName=${`${t('recordTitle')}-${i.site_name}`} />
    <${Section} id="h-inspection-hazards" title=${t('inspectionHazards')}>
      ${i.hazards.length ? html`<ul class="list" data-testid="inspection-hazards">${i.hazards.map((h, n) => {
        const known = state.hazards.find((x) => x.id === h.hazard_id);
        if (known) return html`<${HazardRow} key=${h.hazard_id} hazard=${known} />`;
        return html`<li key=${h.hazard_id} class="row"><a href=${`#/hazard/${h.hazard_id}`}>
          <span class="row-title">${t('hazardN', { n: n + 1 })}</span></a></li>`;
      })}</ul>` : html`<p class="muted">${t('noInspectionHazards')}</p>`}
    <//>
    <${InspectionRecord} id=${i.id} siteName=${i.site_name} finishedAt=${i.finished_at} revision=${i.revision} />
  </main>`;
}
