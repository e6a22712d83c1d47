/**
 * The hazard loop as the server describes it (server/hazards/machine.py, served in /api/v1/vocabularies and
 * kept offline with them): each action's name, where it leads and the form it asks for; the states' names;
 * the names of the record's other events. The phone holds no copy of its own.
 */
import { currentLang, t } from '../i18n/index.js';

const named = (term) => (currentLang() === 'en' ? term.en : term.zh);

/** The actions the vocabularies describe, by code. */
export const actionsOf = (vocab) => new Map((vocab?.hazard_actions || []).map((a) => [a.code, a]));

/** Where `action` leads, or null where the state stays (or the action is not known). */
export const targetOf = (vocab, action) => actionsOf(vocab).get(action)?.to ?? null;

/** The name of an action or of another event of a record (a report, an escalation…), never its code. */
export function actionName(vocab, code) {
  const term = actionsOf(vocab).get(code) || (vocab?.record_actions || []).find((a) => a.code === code);
  return term ? named(term) : t('anAction');
}

/** The name of a state: the server's, or the phone's own for a report not sent yet. */
export function stateName(vocab, code) {
  if (code === 'queued') return t('st_queued');
  const term = (vocab?.hazard_states || []).find((s) => s.code === code);
  return term ? named(term) : t('aState');
}

/** The form of an action: its fields, in order, each with its kind, name on screen and whether it is required. */
export const formOf = (vocab, action) => (actionsOf(vocab).get(action)?.fields || [])
  .map((f) => ({ ...f, label: named(f), parts: (f.parts || []).map((p) => ({ ...p, label: named(p) })) }));

/** A date picked on the phone, as the end of that day in Asia/Shanghai (deadlines are "by that day"). */
const endOfDay = (day) => (day ? `${day}T23:59:00+08:00` : undefined);

/** The change's body from the form's values: dates as the end of the day, a plan (五落实) as one object. */
export function changeBody(action, form, values) {
  const out = { action };
  const read = (name, kind) => {
    const value = values[name];
    if (kind === 'date') return value ? endOfDay(value) : undefined;
    if (kind === 'bool') return !!value;
    return value !== undefined && value !== '' ? (typeof value === 'string' ? value.trim() : value) : undefined;
  };
  for (const { name, kind, parts } of form) {
    if (kind === 'photos') continue;
    const value = kind === 'plan'
      ? Object.fromEntries(parts.map((p) => [p.name, read(`${name}.${p.name}`, p.kind)]))
      : read(name, kind);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
