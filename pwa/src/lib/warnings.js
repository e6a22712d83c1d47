/**
 * 预警 on the phone: which warnings to show, from the CAP messages the feed brought, and what the user still owes
 * them (已阅; a grid worker's 已传达), counting what waits in the outbox as done (the banner says it is queued).
 *
 * A warning is the chain of messages that share a `root_id`; the phone shows its latest message: in force, or a
 * cancellation of the last day (shown as 已解除, so that nobody acts on a warning that has ended).
 */

export const LEVELS = ['blue', 'yellow', 'orange', 'red'];
export const CANCEL_SHOWN_MS = 24 * 3600 * 1000;
// how often an open app asks the feed for news (a new warning, its update): Web Push is optional, this is not
export const WARNING_POLL_MS = 30_000;

const ACTS = { warning_ack: 'ack', warning_relay: 'relay' };

/** What the outbox holds for each message: { [warningId]: { ack?: status, relay?: status } }. */
export function pendingByWarning(items) {
  const pending = {};
  for (const item of items || []) {
    const act = ACTS[item.kind];
    if (!act || !item.ref?.warningId) continue;
    (pending[item.ref.warningId] ??= {})[act] = item.status;
  }
  return pending;
}

/** The latest message of each warning, newest first, with `pending` (what the outbox holds for it). */
export function latestWarnings(messages, items = [], now = Date.now()) {
  const latest = new Map();
  for (const m of messages || []) {
    const held = latest.get(m.root_id);
    if (!held || held.sent_at < m.sent_at) latest.set(m.root_id, m);
  }
  const pending = pendingByWarning(items);
  return [...latest.values()]
    .filter((m) => (m.msg_type === 'cancel'
      ? now - Date.parse(m.sent_at) < CANCEL_SHOWN_MS
      : !m.superseded_by && Date.parse(m.expires_at) > now))
    .map((m) => ({ ...m, pending: pending[m.id] || {} }))
    .sort((a, b) => LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) || b.sent_at.localeCompare(a.sent_at));
}

/** Whether the user still has to read it: a recipient who has not, and has not queued 已阅 or 已传达 either. */
export const needsAck = (w) => !!w.receipt && !w.receipt.acknowledged_at && !w.pending?.ack && !w.pending?.relay
  && w.msg_type !== 'cancel';

/** Whether a grid worker still has to confirm relaying it. */
export const needsRelay = (w) => !!w.receipt?.must_relay && !w.receipt.relayed_at && !w.pending?.relay
  && w.msg_type !== 'cancel';

/** The message's history on this phone (every message of its warning), oldest first. */
export const chainOf = (messages, rootId) => (messages || []).filter((m) => m.root_id === rootId)
  .sort((a, b) => a.sent_at.localeCompare(b.sent_at));

// ---- the issue form's areas: streets, communities and grids, a chosen area covering what lies under it ----

/** The chosen area (by id) that covers `area` from above, if any: `known` maps ids to areas with their `path`. */
export function coveredBy(area, chosen, known) {
  return chosen.find((id) => id !== area.id && known[id] && area.path.startsWith(known[id].path)) ?? null;
}

/** Whether the area of id `id` lies strictly under `area`. */
const under = (id, area, known) => id !== area.id && !!known[id] && known[id].path.startsWith(area.path);

/** The choice after ticking or unticking `area`: ticking it drops the chosen areas under it (it covers them). */
export function toggleArea(chosen, area, known) {
  if (chosen.includes(area.id)) return chosen.filter((id) => id !== area.id);
  return [...chosen.filter((id) => !under(id, area, known)), area.id];
}

/** How many chosen areas lie strictly under `area` (shown beside a folded street or community). */
export const chosenUnder = (area, chosen, known) => chosen.filter((id) => under(id, area, known)).length;
