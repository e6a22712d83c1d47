/**
 * 更正: correcting a submitted inspection on the phone. A correction is a new revision of the answers, sent as
 * POST /inspections/<id>/corrections ({id, based_on, reason, answers}) and scored again by the server; the
 * earlier revisions stay on record. Pure: the draft it starts from, what changed, the body sent, the refusals.
 */
import { answersBody, itemsOf, NA, outcome } from './checklist.js';

/** Whether the user may correct an inspection as the server has it: one of its inspectors (lead, co, expert). */
export const correctable = (userId, view) => !!userId && !!view?.revision
  && (view.inspectors || []).some((p) => p.user_id === userId);

/**
 * A revision's answers as the server keeps them ([{item, value, note, photo_ids, raise_hazard}]) as the
 * checklist's answers ({key: {value, note, photos, raise_hazard}}). Their photos are on the server already:
 * {id, onServer: true}, no bytes, never sent again.
 */
export function draftAnswers(template, answers = []) {
  const given = new Map(answers.map((a) => [a.item, a]));
  const draft = {};
  for (const item of itemsOf(template)) {
    const a = given.get(item.key);
    if (!a) continue;
    const value = item.answer_type === 'photo' && a.value !== NA ? undefined : a.value;
    draft[item.key] = { value, note: a.note || '', photos: (a.photo_ids || []).map((id) => ({ id, onServer: true })),
      ...(a.raise_hazard == null ? {} : { raise_hazard: a.raise_hazard }) };
  }
  return draft;
}

/** The items whose answer, note, photos or hazard choice differ from the revision corrected, in checklist order. */
export function changedItems(template, base, answers) {
  const sent = (given) => new Map(answersBody(template, given).map((a) => [a.item, JSON.stringify(a)]));
  const before = sent(base);
  const after = sent(answers);
  return itemsOf(template).filter((item) => before.get(item.key) !== after.get(item.key));
}

/** Why a correction cannot be sent yet: 'unchanged' (nothing differs), 'reason' (none given), or null. */
export function correctionProblem(draft) {
  if (!changedItems(draft.template, draft.base, draft.answers).length) return 'unchanged';
  if (!String(draft.reason || '').trim()) return 'reason';
  return null;
}

/** The body of POST /inspections/<id>/corrections: the phone's id for it, the revision it corrects, why. */
export const correctionBody = (draft) => ({ id: draft.id, based_on: draft.basedOn, reason: String(draft.reason).trim(),
  answers: answersBody(draft.template, draft.answers) });

/** The photos a correction must send: those taken for it (the revision's own are on the server). */
export const correctionPhotos = (draft) => Object.values(draft.answers || {})
  .flatMap((a) => a.photos || []).filter((p) => !p.onServer && p.bytes);

/** The answer's outcome in words' code, for a revision shown read-only: pass, fail, na, recorded, unanswered. */
export function answerOutcomes(template, answers = []) {
  const draft = draftAnswers(template, answers);
  return itemsOf(template).map((item) => ({ item, answer: draft[item.key], outcome: outcome(item, draft[item.key]) }));
}

/**
 * What an outbox refusal of a correction means to the user: 'stale' (someone corrected it since the phone read it:
 * 412, the revision it now is in `current`), 'taken' (the id was used for another correction: 409), 'refused'.
 */
export function refusalOf(error) {
  if (!error) return null;
  if (error.status === 412) return { kind: 'stale', current: error.errors?.current?.revision ?? null };
  if (error.status === 409) return { kind: 'taken' };
  return { kind: 'refused', message: error.message };
}

/** The summary fields (the feed's `inspection`) a correction's answer brings up to date. */
export const SUMMARY_FIELDS = ['revision', 'points', 'max_points', 'percentage', 'passed', 'flags', 'hazards'];

/** A feed summary brought up to the server's answer to a correction (until the feed brings it again). */
export const updatedSummary = (summary, view) => ({ ...summary,
  ...Object.fromEntries(SUMMARY_FIELDS.filter((k) => k in view).map((k) => [k, view[k]])) });

/** The revisions (GET /inspections/<id>/revisions) as listed, newest first, each named by its author. */
export function revisionRows(revisions = [], inspectors = []) {
  const names = new Map(inspectors.map((p) => [p.user_id, p.name]));
  return [...revisions].sort((a, b) => b.number - a.number).map((r) => ({
    number: r.number, reason: r.reason || '', at: r.created_at, author: names.get(r.author_id) ?? null,
    answers: r.answers || [],
    score: { points: r.score?.points, max: r.score?.max, percentage: r.score?.percentage ?? null,
      passed: r.score?.passed ?? null, provisional: false },
  }));
}
