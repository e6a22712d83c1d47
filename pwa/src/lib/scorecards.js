/**
 * 双月考核: the two-month periods (YYYY-Bn, B1 January–February … B6 November–December, in Asia/Shanghai, as the
 * server counts them) and who reads which level's cards. Pure: no DOM, no API.
 */
import { monthOf } from './rankings.js';

export const isPeriod = (text) => /^\d{4}-B[1-6]$/.test(text || '');

/** The period an instant (ms) falls in: 'YYYY-Bn'. */
export function periodOf(nowMs) {
  const [y, m] = monthOf(nowMs).split('-').map(Number);
  return `${y}-B${Math.ceil(m / 2)}`;
}

/** The period before 'YYYY-Bn'. */
export function periodBefore(period) {
  const [y, n] = period.split('-B').map(Number);
  return n === 1 ? `${y - 1}-B6` : `${y}-B${n - 1}`;
}

/** The period the screen opens on: the last one that has ended (as the server's default). */
export const lastPeriod = (nowMs) => periodBefore(periodOf(nowMs));

/** The periods to choose from, newest first: this one (still under way), then the `n` before it. */
export function recentPeriods(nowMs, n = 6) {
  const periods = [periodOf(nowMs)];
  while (periods.length <= n) periods.push(periodBefore(periods[periods.length - 1]));
  return periods;
}

/** {year, n, first, last}: the period's year, number and months (1-12). */
export function periodParts(period) {
  const [year, n] = period.split('-B').map(Number);
  return { year, n, first: 2 * n - 1, last: 2 * n };
}

/** The levels a user reads (GET /scorecards checks the same): the district's both, a station its street, a
 * department its own; [] for anyone else. */
export function levelsFor(roles) {
  const office = (r) => r.role === 'supervisor' || r.role === 'admin';
  const district = roles.some((r) => office(r) && r.area?.level === 'district');
  if (district) return ['street', 'department'];
  const levels = [];
  if (roles.some((r) => r.role === 'station_officer' || office(r))) levels.push('street');
  if (roles.some((r) => r.role === 'department_officer')) levels.push('department');
  return levels;
}
