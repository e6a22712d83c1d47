/** How much of a time a screen shows: the time alone today, the date on other days, the year when it is needed. */

// Times are shown in Asia/Shanghai (see formatTime), which has kept UTC+8 all year since 1991: the
// calendar day there is plain arithmetic, with no zone database to consult.
const SHANGHAI_MS = 8 * 3600_000;
const shanghaiDay = (ms) => new Date(ms + SHANGHAI_MS).toISOString().slice(0, 10); // "2026-12-03"

/**
 * {date, year} for a time `iso` seen at `now`: today's times need no date; another day's show it; the
 * year shows for a time not in this year (last December's report in January) and always where
 * `year` is asked for: a deadline is read to act on, and "03/01" does not say which March.
 */
export function timeParts(iso, { now = Date.now(), year = false } = {}) {
  const today = shanghaiDay(now);
  const day = shanghaiDay(Date.parse(iso));
  const otherYear = day.slice(0, 4) !== today.slice(0, 4);
  return { date: year || otherYear || day !== today, year: year || otherYear };
}
