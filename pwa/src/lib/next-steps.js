/**
 * What comes next for a hazard, for the homes of those who act on it later in the loop: an enterprise's hazards by
 * what it must do (from what the server lets it do, allowed_actions, and the deadline), a department's with those
 * transferred to it first. The server decides what may be done; this only orders what it said.
 */
import { isOverdue, isTransferred } from './filters.js';
import { OPEN_STATES } from './view.js';

/** An enterprise's groups, most urgent first: each hazard is in the first that fits it. */
export const ENTERPRISE_STEPS = ['overdue', 'notice', 'major', 'rectify', 'self_rectify', 'reinspection', 'waiting'];

/** The steps of a major hazard (重大隐患) still to take: the plan (五落实) and the dual report (双报告), as allowed. */
export function majorSteps(hazard) {
  const can = new Set(hazard.allowed_actions || []);
  return [
    ...(can.has('submit_plan') && !hazard.plan ? ['submit_plan'] : []),
    ...(can.has('record_dual_report') && !hazard.regulator_reported_at ? ['record_dual_report'] : []),
  ];
}

/**
 * The group of one of an enterprise's hazards, or null (nothing left to do or wait for). `unread`: the hazards with
 * a notice (整改通知) or a return (退回整改) not read yet in the inbox.
 */
export function enterpriseStep(hazard, { unread = new Set(), now = Date.now() } = {}) {
  const can = new Set(hazard.allowed_actions || []);
  if (can.has('submit_rectification') && isOverdue(hazard, now)) return 'overdue';
  if (can.has('submit_rectification') && unread.has(hazard.id)) return 'notice';
  if (majorSteps(hazard).length) return 'major';
  if (can.has('submit_rectification')) return 'rectify';
  if (can.has('self_rectify')) return 'self_rectify';
  if (hazard.state === 'submitted') return 'reinspection';
  return OPEN_STATES.has(hazard.state) ? 'waiting' : null;
}

/** An enterprise's hazards by group ({overdue: [...], ...}), each group soonest deadline first. */
export function byEnterpriseStep(hazards, options) {
  const groups = Object.fromEntries(ENTERPRISE_STEPS.map((step) => [step, []]));
  for (const hazard of hazards) {
    const step = enterpriseStep(hazard, options);
    if (step) groups[step].push(hazard);
  }
  for (const list of Object.values(groups)) list.sort(byDeadline);
  return groups;
}

/** The unread notices and returns in the inbox, by hazard. */
export const unreadNotices = (notifications) => new Set(notifications
  .filter((n) => !n.read_at && n.hazard_id && ['notice', 'returned'].includes(n.kind)).map((n) => n.hazard_id));

const time = (iso, otherwise) => (iso ? Date.parse(iso) : otherwise);

/** Soonest deadline first; those without one after, newest first. */
export const byDeadline = (a, b) => time(a.deadline, Infinity) - time(b.deadline, Infinity)
  || time(b.received_at, 0) - time(a.received_at, 0);

/**
 * A department's open hazards: those transferred to it (移送), the ones it may act on first, then the latest
 * transfer first; and the rest of its sector's, soonest deadline first.
 */
export function departmentLists(hazards) {
  const open = hazards.filter((h) => OPEN_STATES.has(h.state));
  const actionable = (h) => ((h.allowed_actions || []).length ? 0 : 1);
  const transferred = open.filter(isTransferred)
    .sort((a, b) => actionable(a) - actionable(b) || time(b.transferred_at, 0) - time(a.transferred_at, 0));
  const others = open.filter((h) => !isTransferred(h)).sort(byDeadline);
  return { transferred, others };
}
