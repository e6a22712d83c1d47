/**
 * The hazard loop as the server describes it (server/hazards/machine.py, served in /api/v1/vocabularies and
 * kept offline with them): each action's name, where it leads and the form it asks for; the states' names;
 * the names of the record's other events. The phone holds no copy of its own.
 */
import { named, t } from '../i18n/index.js';


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

/** A field as the screens use it: its name on screen, its parts' and answers' names, its line of help. */
const labelled = (f) => ({
  ...f, label: named(f), parts: (f.parts || []).map(labelled),
  choices: (f.choices || []).map((c) => ({ ...c, label: named(c) })), hint: f.hint ? named(f.hint) : '',
});

/** The form of an action: its fields, in order, each with its kind, name on screen and whether it is required. */
export const formOf = (vocab, action) => (actionsOf(vocab).get(action)?.fields || []).map(labelled);

/** A field of the hazard as its page names it (a form may name it otherwise: 延期至 for a deadline asked for). */
export function hazardField(vocab, name) {
  const field = (vocab?.hazard_fields || []).find((f) => f.name === name);
  return field ? labelled(field) : { name, label: t('aField'), parts: [], choices: [], hint: '' };
}

/** The name of the answer `value` of a field that offers choices (准予延期), or null. */
export const choiceName = (field, value) => field.choices.find((c) => c.value === value)?.label ?? null;

/** The names of the flags the server set on a hazard (挂牌督办, 延期待审批), to show beside its state. */
export const flagNames = (vocab, hazard) => (hazard.flags || [])
  .map((code) => (vocab?.hazard_flags || []).find((f) => f.code === code))
  .filter(Boolean).map(named);

/** The name of a kind of document (隐患整改意见书). */
export function documentName(vocab, kind) {
  const term = (vocab?.document_kinds || []).find((k) => k.code === kind);
  return term ? named(term) : t('aDocument');
}

/**
 * What a step of the record decided, as its action's form names it: the answer chosen (审批延期 → 准予延期), the
 * dates set (申请延期 → 延期至 2026/12/20) and the colleague picked, by the name the record keeps (第二执法人员 王某).
 * `formatDate` shows a date.
 */
export function eventDetails(vocab, event, formatDate) {
  const data = event.data || {};
  const out = [];
  for (const field of formOf(vocab, event.action)) {
    const value = data[field.name];
    if (value == null) continue;
    if (field.choices.length) {
      const name = choiceName(field, value);
      if (name) out.push(name);
    } else if (field.kind === 'date') out.push(`${field.label} ${formatDate(value)}`);
    else if (field.kind === 'officer' && data[`${field.name}_name`]) out.push(`${field.label} ${data[`${field.name}_name`]}`);
  }
  return out;
}

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
