/**
 * Down-sync (the offline contract, point 4): the delta feed GET /sync/changes into IndexedDB.
 *
 * Pages are fetched while `more` is true; the cursor is kept after every page, so an interrupted
 * pass goes on from there. Once a day the pass starts without a cursor (a full sync) and, if it
 * ran to the end in one go, drops the records it did not see: they left the user's scope. Checklist versions
 * (kind "template") are kept to run inspections offline; an archived one is dropped unless a draft on this
 * phone was begun on it (that draft must still submit, on the version it used). The inspections the user took part
 * in (kind "inspection": as lead, co-inspector or expert, the last 30 days) go to `takenPart`, listed as 我的检查.
 * The user's tasks (kind "task": open, and the current periods' done or missed ones; a draw's, for each inspector drawn
 * for it) go to `tasks`; one given to someone else, or cancelled, is dropped.
 * The warnings sent to the user (kind "warning": each message, in force or of
 * the last week, with the user's own receipt) go to `warnings`. The incidents the user may see (kind "incident": their
 * own reports, a station's street's; open or of the last 30 days) go to `incidents` with their ETag, as hazards do.
 */
import { meta, withDB } from './db.js';
import { compactCode, serialOf } from './tags.js';
import { isMine } from './tasks.js';

export const FEED = '/api/v1/sync/changes';
export const FULL_SYNC_MS = 24 * 3600 * 1000;
// The kinds of record this version keeps, by number: a phone updated from a version that kept fewer (checklists
// came with 2; one's own inspections and a site's enterprise's sector with 3; tasks with 4; a draw's task on each of
// its co-inspectors' phones with 5; warnings with 6; incidents with 7) has skipped the snapshot of what is new, so its next pass is a
// full one.
export const KINDS_VERSION = 7;
const STORES = { site: 'sites', hazard: 'hazards', notification: 'notifications', template: 'templates',
  inspection: 'takenPart', task: 'tasks', warning: 'warnings', incident: 'incidents' };
const WRITTEN = ['sites', 'hazards', 'notifications', 'tags', 'templates', 'inspections', 'takenPart', 'tasks',
  'warnings', 'incidents'];

/** The checklist versions a draft on this phone was begun on: kept, even archived, so the draft still submits. */
async function draftTemplates(tx) {
  const drafts = await tx.objectStore('inspections').getAll();
  return new Set(drafts.filter((d) => d.status === 'draft').map((d) => d.templateId));
}

/** A hazard's ETag as kept: without quotes or weakness, ready to be sent quoted in If-Match. */
export const bareEtag = (etag) => (etag ? String(etag).replace(/^W\//, '').replace(/^"|"$/g, '') : null);

function record(change) {
  if (change.kind === 'hazard' || change.kind === 'incident') return { id: change.id, etag: bareEtag(change.etag), data: change.data };
  return { ...change.data, id: change.id };
}

/** The live tag of a site, if the feed carries it (site.tag.code or site.tag_code): scanning offline needs it. */
function tagOf(site) {
  const code = compactCode(site?.tag?.code || site?.tag_code || '');
  return code ? { code, serial: serialOf(code), site_id: site.id } : null;
}

/** A task that is no longer the user's to do or count (given to someone else, cancelled): dropped. */
const notMine = (change, me) => change.kind === 'task'
  && (change.data?.state === 'cancelled' || (me && change.data && !isMine(change.data, me)));

async function apply(changes, seen, me) {
  await withDB(async (db) => {
    const tx = db.transaction(WRITTEN, 'readwrite');
    const inUse = await draftTemplates(tx);
    for (const change of changes) {
      const store = STORES[change.kind];
      if (!store) continue; // kinds this version does not use yet
      seen?.[store].add(change.id);
      // An archived checklist starts no new inspection: dropped, unless a draft here was begun on it.
      const archived = change.kind === 'template' && change.data?.state === 'archived' && !inUse.has(change.id);
      if (change.deleted || change.data == null || archived || notMine(change, me)) {
        await tx.objectStore(store).delete(change.id);
        continue;
      }
      await tx.objectStore(store).put(record(change));
      const tag = change.kind === 'site' && tagOf(change.data);
      if (tag) await tx.objectStore('tags').put(tag);
    }
    await tx.done;
  });
}

async function dropUnseen(seen) {
  await withDB(async (db) => {
    const tx = db.transaction(WRITTEN, 'readwrite');
    const inUse = await draftTemplates(tx);
    for (const store of Object.values(STORES)) {
      for (const key of await tx.objectStore(store).getAllKeys()) {
        if (!seen[store].has(key) && !(store === 'templates' && inUse.has(key))) await tx.objectStore(store).delete(key);
      }
    }
    for (const tag of await tx.objectStore('tags').getAll()) {
      if (!seen.sites.has(tag.site_id)) await tx.objectStore('tags').delete(tag.code);
    }
    await tx.done;
  });
}

export function createSync({ fetchJSON, now = Date.now, limit = 500, userId = () => null }) {
  let running = null;

  async function pass(forceFull) {
    const state = { cursor: null, lastFullAt: 0, partial: false, ...(await meta.get('sync')) };
    const resuming = state.partial && state.cursor && !forceFull && state.kindsVersion === KINDS_VERSION;
    const stale = state.kindsVersion !== KINDS_VERSION;
    const full = resuming || forceFull || stale || !state.cursor || now() - state.lastFullAt >= FULL_SYNC_MS;
    let cursor = full && !resuming ? null : state.cursor;
    // Only a full pass that ran from the start to the end knows what left the scope.
    const seen = full && !resuming ? Object.fromEntries(Object.values(STORES).map((store) => [store, new Set()])) : null;
    let count = 0;
    for (;;) {
      const url = `${FEED}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      let page;
      try {
        page = await fetchJSON(url);
      } catch (error) {
        // A cursor the server no longer knows (expired, from another deployment): start over, in full.
        if (cursor && !full && [400, 404, 410, 422].includes(error?.status)) return pass(true);
        throw error;
      }
      await apply(page.changes || [], seen, userId());
      count += (page.changes || []).length;
      cursor = page.cursor;
      await meta.set('sync', { ...state, cursor, partial: full && page.more, kindsVersion: KINDS_VERSION });
      if (!page.more) break;
    }
    if (seen) await dropUnseen(seen);
    const done = { cursor, partial: false, lastFullAt: full ? now() : state.lastFullAt, lastSyncAt: now(),
      kindsVersion: KINDS_VERSION };
    await meta.set('sync', done);
    return { full, count };
  }

  /** One pass of the feed (concurrent calls share it); `full` forces a full sync. */
  function pull({ full = false } = {}) {
    if (!running) running = pass(full).finally(() => { running = null; });
    return running;
  }

  return { pull };
}
