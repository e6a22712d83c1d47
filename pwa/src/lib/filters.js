/**
 * Finding hazards and sites in what the phone holds (the synced cache), so that the lists work offline. The hazard
 * filters mean what the same names mean to the API (GET /api/v1/hazards, server/hazards/resources.py `_filters`):
 * the list's query string is the API's.
 */

/** The filters, in the order of the query string. */
export const FILTERS = ['q', 'state', 'level', 'category', 'site_id', 'area_id', 'overdue', 'listed', 'transferred'];
const YES_NO = new Set(['overdue', 'listed', 'transferred']);

/** Being rectified past its deadline (逾期): Hazard.rectification_overdue, as the summary counts it. */
export const isOverdue = (hazard, now = Date.now()) => hazard.state === 'rectifying' && !!hazard.deadline
  && Date.parse(hazard.deadline) < now;

/** Listed for supervision (挂牌督办) and not de-listed, open or closed: Hazard.listed. */
export const isListed = (hazard) => !!hazard.listed_at && !hazard.delisted_at;

/** Transferred (移送) by a station to the department of its sector. */
export const isTransferred = (hazard) => !!hazard.transferred_at;

const FACTS = { overdue: isOverdue, listed: isListed, transferred: isTransferred };

const folded = (text) => String(text ?? '').toLowerCase();

/** Whether any of `texts` contains what was typed (taken literally, in any case); nothing typed matches all. */
export function containsText(texts, typed) {
  const needle = folded(typed).trim();
  return !needle || texts.some((text) => folded(text).includes(needle));
}

/** The filters a query string names ({} for none); a yes-or-no filter is true or false, others are strings. */
export function readFilters(params) {
  const out = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value == null || value === '') continue;
    if (!YES_NO.has(name)) out[name] = value;
    else if (value === 'true' || value === 'false') out[name] = value === 'true';
  }
  return out;
}

/** The query string of `filters` (the inverse of readFilters): unset, empty and null filters left out. */
export function filtersQuery(filters) {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = filters[name];
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  return params.toString();
}

/**
 * Whether a hazard passes `filters`. `siteName(id)` names its site for the text search. An area is matched as the
 * street or the grid the hazard is in: the list offers streets (the API takes any area, with its subtree).
 */
export function matchesFilters(hazard, filters, { siteName = () => '', now = Date.now() } = {}) {
  for (const name of ['state', 'level', 'category', 'site_id']) {
    if (filters[name] && hazard[name] !== filters[name]) return false;
  }
  if (filters.area_id && ![hazard.street_id, hazard.grid_id].map(String).includes(String(filters.area_id))) return false;
  for (const [name, holds] of Object.entries(FACTS)) {
    if (filters[name] !== undefined && holds(hazard, now) !== filters[name]) return false;
  }
  return containsText([hazard.description, hazard.responsible_party, siteName(hazard.site_id)], filters.q);
}

export const filterHazards = (hazards, filters, options) => hazards.filter((h) => matchesFilters(h, filters, options));

/** The sites whose name, address or enterprise contains what was typed. */
export const findSites = (sites, typed) => sites.filter((s) => containsText([s.name, s.address, s.enterprise?.name], typed));
