/**
 * The outbox (待发送): every record the phone makes waits here, in IndexedDB, until the server has it.
 *
 * One item at a time, in the order queued, keyed by the record's client UUID. An item leaves only
 * on a 2xx (a replay answered 200 counts: creates are idempotent on the id, so resending after a
 * crash mid-upload is safe). 401 pauses everything until the user signs in again; any other 4xx
 * moves the item to "needs attention" (需要处理) with the server's reason and the line moves on;
 * network errors, 5xx, 408 and 429 stop the line and back off min(2^n, 300) s, reset by a manual
 * retry. Nothing is ever dropped except by the user's own hand.
 */
import { withDB } from './db.js';
import { countRecords } from './records.js';

/** The BroadcastChannel by which the page and the service worker tell each other the outbox changed. */
export const CHANNEL_NAME = 'safegrid-outbox';
const STATE_KEY = 'outbox';
// sent: items sent in this batch; sentRecords: of those, the records (not their photos), for the status line.
const FRESH = { failures: 0, nextAttemptAt: 0, paused: null, sent: 0, sentRecords: 0 };
const RETRY_LATER = new Set([408, 425, 429]);

/** Seconds to wait after the n-th failure in a row. */
export const backoffSeconds = (failures) => Math.min(2 ** failures, 300);

export function createOutbox({
  transport, // (item) → Promise<Response>; throws on a network error
  userId = () => null, // whose token is in use: another user's items wait for them
  onSent = async () => {}, // (item, body, response) after the 2xx: update the local caches
  now = Date.now,
  setTimer = (fn, ms) => setTimeout(fn, ms),
  clearTimer = (t) => clearTimeout(t),
  channel = null, // a BroadcastChannel, so the page hears what the service worker sent and back
  log = (...args) => console.warn(...args),
} = {}) {
  const listeners = new Set();
  let running = null;
  let sendingId = null;
  let timer = null;

  function emit(fromChannel = false) {
    listeners.forEach((fn) => fn());
    if (!fromChannel) channel?.postMessage('changed');
  }
  if (channel) channel.onmessage = () => emit(true);

  async function readState(db) {
    return { ...FRESH, ...(await db.get('meta', STATE_KEY)) };
  }
  async function patchState(patch) {
    return withDB(async (db) => {
      const tx = db.transaction('meta', 'readwrite');
      const next = { ...FRESH, ...(await tx.store.get(STATE_KEY)), ...patch };
      await tx.store.put(next, STATE_KEY);
      await tx.done;
      return next;
    });
  }

  /** Queue a record; the same id queued twice is kept once (a double tap, a re-render). */
  async function enqueue(item) {
    const added = await withDB(async (db) => {
      const tx = db.transaction(['outbox', 'meta'], 'readwrite');
      const box = tx.objectStore('outbox');
      if (await box.get(item.id)) { await tx.done; return false; }
      const last = await box.index('seq').openCursor(null, 'prev');
      const state = { ...FRESH, ...(await tx.objectStore('meta').get(STATE_KEY)) };
      if ((await box.count()) === 0) Object.assign(state, { sent: 0, sentRecords: 0 }); // a new batch: progress counts from here
      await box.put({ ...item, seq: (last?.value.seq ?? 0) + 1, status: 'queued', attempts: 0,
        createdAt: now(), userId: item.userId ?? userId() });
      await tx.objectStore('meta').put(state, STATE_KEY);
      await tx.done;
      return true;
    });
    if (added) emit();
    return added;
  }

  const list = () => withDB(async (db) => db.getAllFromIndex('outbox', 'seq'));

  /** Whether the account signed in now sends `item`: another account's items wait for it to sign in. */
  const ours = (item, me = userId()) => !item.userId || !me || item.userId === me;

  async function nextQueued() {
    return withDB(async (db) => {
      let cursor = await db.transaction('outbox').store.index('seq').openCursor();
      const me = userId();
      while (cursor) {
        const item = cursor.value;
        if (item.status === 'queued' && ours(item, me)) return item;
        cursor = await cursor.continue();
      }
      return null;
    });
  }

  async function readBody(response) {
    try { return await response.json(); } catch { return null; }
  }

  function schedule(at) {
    if (timer) clearTimer(timer);
    timer = setTimer(() => { timer = null; flush(); }, Math.max(0, at - now()));
  }

  async function sendOne(item) {
    sendingId = item.id;
    emit();
    await withDB((db) => db.put('outbox', { ...item, attempts: item.attempts + 1, lastAttemptAt: now() }));
    let response = null;
    try {
      response = await transport(item);
    } catch (error) {
      log('outbox: network error', item.id, error?.message || error);
    } finally {
      sendingId = null;
    }
    const status = response?.status ?? 0;
    if (status >= 200 && status < 300) {
      const body = await readBody(response);
      await withDB(async (db) => {
        const tx = db.transaction(['outbox', 'meta'], 'readwrite');
        await tx.objectStore('outbox').delete(item.id);
        const state = { ...FRESH, ...(await tx.objectStore('meta').get(STATE_KEY)) };
        const sentRecords = state.sentRecords + (item.kind === 'photo' ? 0 : 1);
        await tx.objectStore('meta').put({ ...state, sent: state.sent + 1, sentRecords, failures: 0, nextAttemptAt: 0 }, STATE_KEY);
        await tx.done;
      });
      try { await onSent(item, body, response); } catch (error) { log('outbox: after-send hook failed', error); }
      return 'sent';
    }
    if (status === 401) {
      await patchState({ paused: 'auth' });
      return 'stop';
    }
    if (status === 0 || status >= 500 || RETRY_LATER.has(status)) {
      const state = await withDB(readState);
      const failures = state.failures + 1;
      const retryAfter = Number(response?.headers?.get?.('Retry-After')) || 0;
      const nextAttemptAt = now() + Math.max(backoffSeconds(failures), Math.min(retryAfter, 300)) * 1000;
      await patchState({ failures, nextAttemptAt });
      schedule(nextAttemptAt);
      return 'stop';
    }
    const body = (await readBody(response)) || {};
    await withDB((db) => db.put('outbox', {
      ...item, attempts: item.attempts + 1, status: 'attention', attentionAt: now(),
      error: { status, code: body.code || 'http_error', message: body.message || `HTTP ${status}`, errors: body.errors || {} },
    }));
    return 'attention';
  }

  async function drain(force) {
    const state = await withDB(readState);
    if (state.paused) return;
    // Known to be offline: wait for the `online` event rather than fail and grow the back-off.
    if (globalThis.navigator?.onLine === false) return;
    if (!force && now() < state.nextAttemptAt) { schedule(state.nextAttemptAt); return; }
    for (let item = await nextQueued(); item; item = await nextQueued()) {
      const outcome = await sendOne(item);
      emit();
      if (outcome === 'stop') return;
    }
  }

  /** Send what is queued, in order. `force` ignores the back-off wait (start, `online`, a manual retry). */
  function flush({ force = false } = {}) {
    if (!running) {
      const locks = globalThis.navigator?.locks;
      // One sender across the page and the service worker (Background Sync): the other waits its turn.
      const work = () => drain(force);
      running = (locks ? locks.request('safegrid-outbox', work) : work())
        .catch((error) => log('outbox: flush failed', error))
        .finally(() => { running = null; emit(); });
    }
    return running;
  }

  /** Retry now: resets the back-off; with an id, puts that "needs attention" item back in line. */
  async function retry(id) {
    if (id) {
      await withDB(async (db) => {
        const item = await db.get('outbox', id);
        if (item) await db.put('outbox', { ...item, status: 'queued', error: undefined });
      });
    }
    await patchState({ failures: 0, nextAttemptAt: 0 });
    emit();
    return flush({ force: true });
  }

  /** The user gives up on an item that needs attention (an explicit choice, never automatic). */
  async function discard(id) {
    await withDB(async (db) => {
      const item = await db.get('outbox', id);
      if (item?.status === 'attention') await db.delete('outbox', id);
    });
    emit();
  }

  /** Signed in again after a 401: lift the pause (resume() also sends at once). */
  async function unpause() {
    await patchState({ paused: null, failures: 0, nextAttemptAt: 0 });
    emit();
  }

  /** Signed in again after a 401: carry on where it stopped. */
  async function resume() {
    await unpause();
    return flush({ force: true });
  }

  /**
   * Counts for the UI: items (queued, attention, sent, total: what the replay acts on), `records` (the
   * same in records with their photos inside: what the status line shows), why it is stopped.
   */
  /** What this account has waiting (another account's items are not counted: they wait for it, `others`). */
  async function status() {
    const [all, state] = await withDB((db) => Promise.all([db.getAll('outbox'), readState(db)]));
    const items = all.filter((i) => ours(i));
    const queued = items.filter((i) => i.status === 'queued').length;
    const attention = items.length - queued;
    return { queued, attention, sent: state.sent, total: state.sent + items.length, sending: sendingId,
      paused: state.paused, nextAttemptAt: state.nextAttemptAt, failures: state.failures,
      records: countRecords(items, state.sentRecords), others: all.length - items.length };
  }

  const subscribe = (fn) => { listeners.add(fn); return () => listeners.delete(fn); };
  const stop = () => { if (timer) clearTimer(timer); timer = null; };
  const idle = () => running || Promise.resolve();

  return { enqueue, flush, retry, discard, unpause, resume, status, list, subscribe, stop, idle };
}
