/**
 * Lists read online and kept for offline use (IndexedDB meta, cleared at sign-out): the colleagues a form offers
 * to pick (a second signing officer, an expert to invite, an inspection's co-inspectors), and the hazards a role's home lists by a filter the sync
 * feed does not carry (the orders one signed, the hazards one is invited to), the rankings (考核排名) and an inspection's revisions read. Offline,
 * the copy last read.
 */
import { get } from './api.js';
import { meta, withDB } from './db.js';

/** The keys in meta these lists live under (store.js clears them at sign-out). */
export const KEPT_KEYS = ['colleagues', 'hazardLists', 'rankings', 'inspectionRevisions'];

/** `read()` now, kept under key/name; failing that (offline), the copy kept: {value, at, stale}. */
async function kept(key, name, read) {
  const all = (await meta.get(key)) || {};
  try {
    const value = await read();
    // Read and written in one transaction: two lists kept at once under one key must not drop each other.
    await withDB(async (db) => {
      const tx = db.transaction('meta', 'readwrite');
      const now = (await tx.store.get(key)) || {};
      await tx.store.put({ ...now, [name]: { value, at: new Date().toISOString() } }, key);
      await tx.done;
    });
    return { value, at: null, stale: false };
  } catch (error) {
    if (all[name]) return { ...all[name], stale: true };
    throw error;
  }
}

/** Others holding `role` (one, or a list: any of them) where the user works: [{id, name, certificate_no, roles}]. */
export function colleagues(role) {
  const roles = [role].flat();
  return kept('colleagues', roles.join(','),
    () => get(`colleagues?${roles.map((r) => `role=${r}`).join('&')}&page_size=100`));
}

/** The ids of the hazards in scope matching a list filter (`ordered_by=me&open=true`). */
export const hazardIds = (filter) => kept('hazardLists', filter,
  async () => (await get(`hazards?${filter}&page_size=100`)).map((h) => h.id));

/** A read about rankings (a month's ranking, a unit's history, the summonses, an enterprise's assessments), kept
 * under `name`. */
export const rankingRead = (name, read) => kept('rankings', name, read);

/** The copy of a rankings read kept under `name`, without asking: {value, at}, or undefined. */
export const rankingKept = async (name) => ((await meta.get('rankings')) || {})[name];

/** An inspection's revisions (版本记录: the submission, then each correction with its reason and score). */
export const inspectionRevisions = (id) => kept('inspectionRevisions', id, () => get(`inspections/${id}/revisions`));
