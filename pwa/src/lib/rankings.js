/**
 * 考核排名: the months (Asia/Shanghai, as the server counts them), the assessment checklists the phone knows (from
 * the synced templates), and an enterprise's assessments joined to their month's rank. Pure: no DOM, no API.
 */

const SHANGHAI_MS = 8 * 3600 * 1000; // Asia/Shanghai keeps no summer time

/** The Asia/Shanghai month of an instant (ISO text or ms): 'YYYY-MM'. */
export const monthOf = (when) => new Date((typeof when === 'number' ? when : Date.parse(when)) + SHANGHAI_MS)
  .toISOString().slice(0, 7);

/** The month before 'YYYY-MM'. */
export function monthBefore(month) {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The month a ranking opens on: the last one that has ended (last month). */
export const lastMonth = (nowMs) => monthBefore(monthOf(nowMs));

/** The months to choose from, newest first: this month (still under way), then the `n` before it. */
export function recentMonths(nowMs, n = 12) {
  const months = [monthOf(nowMs)];
  while (months.length <= n) months.push(monthBefore(months[months.length - 1]));
  return months;
}

export const isMonth = (text) => /^20\d{2}-(0[1-9]|1[0-2])$/.test(text || '');

/** The assessment checklists (考核表) among the synced templates, one per family, named by its newest version. */
export function assessmentFamilies(templates) {
  const newest = new Map();
  for (const tpl of templates || []) {
    if (tpl.kind !== 'assessment' || tpl.state === 'draft') continue;
    const seen = newest.get(tpl.family_id);
    if (!seen || (tpl.number || 0) > (seen.number || 0)) newest.set(tpl.family_id, tpl);
  }
  return [...newest.values()].map((tpl) => ({ family_id: tpl.family_id, name: tpl.name }))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/**
 * An enterprise's assessments, newest first, each with its checklist's family, its month and its unit's place in
 * that month's ranking (`rankings` keyed `${family_id}/${month}`, as the API answers; missing: not known).
 * `families` maps a template version's id to {family_id, kind}; self-checks and other kinds are left out.
 */
export function assessmentRows(inspections, families, rankings = {}) {
  return (inspections || [])
    .filter((i) => families[i.template_id]?.kind === 'assessment' && i.mode !== 'self_check')
    .map((i) => {
      const family = families[i.template_id].family_id;
      const month = monthOf(i.finished_at);
      const ranking = rankings[`${family}/${month}`];
      const unit = ranking?.units?.find((u) => u.site_id === i.site_id);
      return { inspection: i, family_id: family, month,
        place: unit ? { rank: unit.rank, of: ranking.ranked, summon: unit.summon } : null };
    })
    .sort((a, b) => String(b.inspection.finished_at).localeCompare(String(a.inspection.finished_at)));
}

/** The (family, month) pairs whose rankings the rows need. */
export const rankingKeys = (rows) => [...new Set(rows.map((r) => `${r.family_id}/${r.month}`))];

/** Where a summons (约谈) points: its checklist family and month, or null when it is not among those read. */
export function summonsTarget(summonses, id) {
  const found = (summonses || []).find((s) => s.id === id);
  return found ? { family: found.family_id, month: found.month, site: found.site_id } : null;
}

/** A unit's months (oldest first, as the API answers) from its first assessed one, the newest first: the months
 * before it was ever assessed say nothing. */
export function monthsSinceFirst(months) {
  const first = (months || []).findIndex((m) => m.assessed);
  return first < 0 ? [] : months.slice(first).reverse();
}

/** A score to show: one decimal at most, '—' when none. */
export const scoreText = (score) => (score == null ? '—' : String(Math.round(score * 10) / 10));
