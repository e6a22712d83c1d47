/** The app's one IndexedDB database: a stable name, additive upgrades only, reopened when the browser closes it. */
import { openDB } from 'idb';

export const DB_NAME = 'safegrid';
export const DB_VERSION = 7;

// Each version may only ADD stores or indexes (never delete or rename one): an app update must
// find the outbox of the version before it intact, however many versions it skipped.
function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('seq', 'seq', { unique: true });
    db.createObjectStore('meta'); // key → value: session, cursor, clock offset, outbox state, categories…
    db.createObjectStore('sites', { keyPath: 'id' });
    db.createObjectStore('hazards', { keyPath: 'id' }); // {id, etag, data}: data is the API's hazard JSON
    db.createObjectStore('notifications', { keyPath: 'id' });
    db.createObjectStore('tags', { keyPath: 'code' }); // compact tag code → site, for scanning offline
  }
  if (oldVersion < 2) {
    db.createObjectStore('templates', { keyPath: 'id' }); // checklist versions from the feed (检查表)
    // The inspections made on this phone: drafts (answers kept as they are given), then the server's answer.
    db.createObjectStore('inspections', { keyPath: 'id' });
  }
  if (oldVersion < 3) {
    // The inspections the user took part in (lead, co-inspector, expert), from the feed: one summary each (我的检查).
    db.createObjectStore('takenPart', { keyPath: 'id' });
  }
  if (oldVersion < 4) {
    // Corrections (更正) of submitted inspections begun on this phone, by the correction's own id: a draft, then
    // queued until the server has the new revision.
    db.createObjectStore('corrections', { keyPath: 'id' });
  }
  if (oldVersion < 5) {
    // The user's patrol tasks (检查任务) from the feed: the open ones and this period's done or missed ones.
    db.createObjectStore('tasks', { keyPath: 'id' });
  }
  if (oldVersion < 6) {
    // The warnings (预警) sent to the user, from the feed: each CAP message (alert, update, cancellation) with the
    // user's own receipt (已阅, 已传达).
    db.createObjectStore('warnings', { keyPath: 'id' });
  }
  if (oldVersion < 7) {
    // The incidents (突发事件) the user may see, from the feed and from the server's answers to what this phone
    // sent: {id, etag, data}, data the API's incident, the ETag what a step on it sends back as If-Match.
    db.createObjectStore('incidents', { keyPath: 'id' });
  }
}

let opening = null;

/** The open database; a closed or terminated connection is replaced on the next call. */
export function getDB() {
  if (!opening) {
    opening = openDB(DB_NAME, DB_VERSION, {
      upgrade,
      // A newer app version (another tab, or the next service worker) wants to upgrade: step aside.
      blocking() { forget(); },
      // The browser closed the connection (storage pressure, "clear data"): reopen on next use.
      terminated() { opening = null; },
    }).catch((error) => { opening = null; throw error; });
  }
  return opening;
}

/** Close our connection and open a fresh one on the next call (tests use it to prove durability). */
export async function forget() {
  const pending = opening;
  opening = null;
  if (pending) {
    try { (await pending).close(); } catch { /* it failed to open: nothing to close */ }
  }
}

/** Run fn(db), reopening once if the connection was closed under us (InvalidStateError). */
export async function withDB(fn) {
  try {
    return await fn(await getDB());
  } catch (error) {
    if (error?.name !== 'InvalidStateError') throw error;
    opening = null;
    return fn(await getDB());
  }
}

export const meta = {
  get: (key) => withDB((db) => db.get('meta', key)),
  set: (key, value) => withDB((db) => db.put('meta', value, key)),
  del: (key) => withDB((db) => db.delete('meta', key)),
};
