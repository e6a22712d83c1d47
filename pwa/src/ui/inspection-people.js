/**
 * The people of an inspection being run: the co-inspectors (协同检查人) and experts (专家) the inspector names, picked
 * from the colleagues kept for offline use, and the inspected party's acknowledgement (被检查单位确认): a name and a
 * signature drawn on the phone. Both optional; both kept with the draft.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { acknowledgementProblem, coInspectorRoles, withMember, withoutMember } from '../lib/checklist.js';
import { colleagues } from '../lib/kept.js';
import { state } from '../store.js';
import { vocabName } from './parts.js';
import { SignaturePad } from './signature-pad.js';

const roleNames = (roles = []) => roles.map((r) => vocabName('roles', r, '')).filter(Boolean).join('、');
const AS = { lead: 'leadInspector', co: 'coInspectorRole', expert: 'expertRole' };
/** 检查人, 协同检查人, 专家: as the vocabularies name an inspector's part. */
export const asName = (as) => vocabName('inspector_roles', as, t(AS[as]));

/** A list of colleagues to add one from (a select: picking adds them), those named already left out. */
function AddPicker({ id, label, roles, team, as, onAdd }) {
  const [found, setFound] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    colleagues(roles).then(setFound).catch(() => setFailed(true));
  }, [roles.join(',')]);
  if (failed) return html`<p class="notice warn" role="status">${label}：${t('pickNeedsNetwork')}</p>`;
  if (!found) return html`<p class="muted">${t('loadingColleagues')}</p>`;
  const named = new Set(team.map((p) => p.id));
  const left = found.value.filter((c) => !named.has(c.id) && c.id !== state.session?.user?.id);
  const pick = (e) => {
    const person = left.find((c) => c.id === e.currentTarget.value);
    e.currentTarget.value = '';
    if (person) onAdd(person, as);
  };
  return html`<label for=${id}>${label}</label>
    <select id=${id} value="" onChange=${pick}>
      <option value="">${left.length ? t('choosePerson') : t('noColleagues')}</option>
      ${left.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}${roleNames(c.roles) ? ` · ${roleNames(c.roles)}` : ''}</option>`)}
    </select>${found.stale && html`<p class="muted small">${t('colleaguesKept', { time: formatTime(found.at) })}</p>`}`;
}

/** 检查人员: the lead (the user), the co-inspectors and experts named, each removable, and the pickers. */
export function TeamSection({ team = [], update }) {
  const roles = coInspectorRoles(new Set(state.session.user.roles.map((r) => r.role)));
  if (!roles.length) return null;
  const onAdd = (person, as) => update({ team: withMember(team, person, as) });
  return html`<section aria-labelledby="h-team" class="card stack" data-testid="inspection-team">
    <h2 id="h-team">${t('inspectionTeam')}</h2>
    <ul class="team">
      <li>${state.session.user.name} · ${asName('lead')}</li>
      ${team.map((p) => html`<li key=${p.id}><span>${p.name} · ${asName(p.as)}</span>
        <button type="button" onClick=${() => update({ team: withoutMember(team, p.id) })}
          aria-label=${t('removePerson', { name: p.name })}>${t('remove')}</button></li>`)}
    </ul>
    <${AddPicker} id="add-co" label=${t('addCoInspector')} roles=${roles} team=${team} as="co" onAdd=${onAdd} />
    <${AddPicker} id="add-expert" label=${t('addExpert')} roles=${['expert']} team=${team} as="expert" onAdd=${onAdd} />
  </section>`;
}

/** 被检查单位确认（选填）: the party's name and their signature. */
export function AcknowledgementSection({ acknowledgement, update, show }) {
  const ack = acknowledgement || { name: '', strokes: [], signature: null };
  const problem = acknowledgementProblem(ack);
  return html`<section aria-labelledby="h-ack" class="card stack" data-testid="acknowledgement">
    <h2 id="h-ack">${t('acknowledgementTitle')}</h2>
    <p class="muted small">${t('acknowledgementHint')}</p>
    <label for="ack-name">${t('partyName')}</label>
    <input id="ack-name" maxlength="100" autocomplete="off" value=${ack.name}
      onInput=${(e) => update({ acknowledgement: { ...ack, name: e.currentTarget.value } })} />
    <${SignaturePad} id="ack-signature" label=${t('partySignature')} strokes=${ack.strokes || []}
      onChange=${({ strokes, signature }) => update({ acknowledgement: { ...ack, strokes, signature } })} />
    ${problem && html`<p class=${show ? 'error' : 'hint'} role=${show ? 'alert' : undefined}>
      ${problem === 'name' ? t('ackNeedsName') : t('ackNeedsSignature')}</p>`}
  </section>`;
}
