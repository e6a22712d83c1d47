/** The app's state: what IndexedDB holds (cache + outbox) laid out for the screens, and the actions on it. */
import { getDB, meta, withDB } from './lib/db.js';
import { API, call, callPatiently, currentSession, get, loadSession, onUnauthorized, saveSession, setLanguage, transport } from './lib/api.js';
import { CHANNEL_NAME, createOutbox } from './lib/outbox.js';
import { SYNC_TAG } from './lib/background-sync.js';
import { applySent, recordCheckin, refreshHazard } from './lib/sent.js';
import { bareEtag, createSync } from './lib/sync.js';
import { mergeHazards } from './lib/view.js';
import { KEPT_KEYS } from './lib/kept.js';
import { loadClockOffset, localIso } from './lib/clock.js';
import { compactCode, serialOf } from './lib/tags.js';
import { position } from './lib/geo.js';
import { uuid } from './lib/ids.js';
import { isMine } from './lib/tasks.js';
import { acknowledgementBody, answersBody, coInspectorRoles, draftPhotos, storable, teamBody } from './lib/checklist.js';
import { colleagues } from './lib/kept.js';
import { correctionBody, correctionPhotos, draftAnswers } from './lib/correction.js';
import { currentLang, loadLang } from './i18n/index.js';

export const state = {
  ready: false, session: null, needLogin: false, online: navigator.onLine,
  sites: [], hazards: [], notifications: [], items: [], templates: [], inspections: [], takenPart: [], corrections: [], tasks: [], warnings: [],
  outbox: { queued: 0, attention: 0, sent: 0, total: 0, records: { queued: 0, attention: 0, sent: 0, total: 0 } },
  categories: [], vocab: null, sync: null, syncing: false, syncError: null, checkins: {}, flash: null,
  update: null, persisted: null,
};
const listeners = new Set();
export const subscribe = (fn) => { listeners.add(fn); return () => listeners.delete(fn); };
const emit = () => listeners.forEach((fn) => fn());
export function setState(patch) { Object.assign(state, patch); emit(); }

let flashes = 0;
/** A short message (已保存，待发送。) for `ms`: its own timer clears it, never a newer one shown since. */
export function flash(text, ms = 8000) {
  const mine = ++flashes;
  setState({ flash: text });
  setTimeout(() => { if (flashes === mine) setState({ flash: null }); }, ms);
}

const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(CHANNEL_NAME) : null;
export const outbox = createOutbox({ transport, userId: () => currentSession()?.user?.id, onSent, channel });
export const sync = createSync({ fetchJSON: get, userId: () => currentSession()?.user?.id });

/** Re-read everything the screens show from IndexedDB. */
export async function reload() {
  // All asked at once: one after another, a phone's IndexedDB makes the first screen wait for each in turn.
  const [sites, cached, notifications, items, status, syncState, categories, vocab, checkins, templates, inspections,
    takenPart, corrections, tasks, warnings] = await withDB((db) => Promise.all([
    db.getAll('sites'), db.getAll('hazards'), db.getAll('notifications'),
    db.getAllFromIndex('outbox', 'seq'), outbox.status(), db.get('meta', 'sync'),
    db.get('meta', 'categories'), db.get('meta', 'vocabularies'), db.get('meta', 'checkins'),
    db.getAll('templates'), db.getAll('inspections'), db.getAll('takenPart'), db.getAll('corrections'),
    db.getAll('tasks'), db.getAll('warnings'),
  ]));
  const me = state.session?.user?.id;
  const mine = items.filter((i) => !i.userId || i.userId === me);
  setState({
    sites: sites.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    hazards: mergeHazards(cached, mine, vocab), notifications: notifications.sort((a, b) => b.created_at.localeCompare(a.created_at)),
    items, outbox: status, sync: syncState ?? null, categories: categories ?? [], vocab: vocab ?? null,
    checkins: checkins ?? {}, templates, inspections: inspections.filter((i) => !i.userId || i.userId === me)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
    takenPart: takenPart.sort((a, b) => b.finished_at.localeCompare(a.finished_at)),
    corrections: corrections.filter((c) => !c.userId || c.userId === me),
    tasks: tasks.filter((task) => isMine(task, me)),
    warnings: warnings.filter((w) => w.receipt),
    needLogin: state.needLogin || status.paused === 'auth',
  });
}

// ---- after the server took an item (outbox hook) ----

// The same update as the service worker's Background Sync makes (src/lib/sent.js), then the screens.
async function onSent(item, body, response) {
  await applySent(item, body, response);
  reload();
  // The hazards an inspection's failed items made: the feed brings them, with their state, to its page.
  if (item.kind === 'inspection' || item.kind === 'correction') syncNow();
}

outbox.subscribe(() => reload().catch(() => {}));

// ---- session ----

export async function start() {
  // Each read on its own, at once: the session, the clock's offset, the interface's strings (English is a chunk).
  const [session, , lang] = await Promise.all([loadSession(), loadClockOffset(), loadLang(currentLang())]);
  setLanguage(lang);
  state.session = session;
  await reload();
  setState({ ready: true });
  onUnauthorized(() => setState({ needLogin: true }));
  if (navigator.storage?.persist) {
    // Ask the browser not to evict the outbox under storage pressure.
    navigator.storage.persist().then((persisted) => setState({ persisted })).catch(() => {});
  }
  if (session) kick({ full: false });
}

/** Replay the outbox now and pull the feed: on start, on `online`, on a timer. */
export function kick({ force = true } = {}) {
  if (!state.session) return;
  outbox.flush({ force }).then(() => syncNow()).catch(() => {});
}

/** Sign in, through dropped and cut answers (tried again, onRetry(attempt) told): see callPatiently. */
export async function login(name, password, { onRetry } = {}) {
  const patiently = { onRetry };
  const { data } = await callPatiently('auth/login', { method: 'POST', json: { login: name, password } }, patiently);
  const previous = state.session?.user?.id ?? (await meta.get('lastUserId'));
  await saveSession({ token: data.token, expires_at: data.expires_at, user: data.user });
  const me = (await callPatiently('me', {}, patiently)).data;
  const session = { token: data.token, expires_at: data.expires_at, user: me };
  await saveSession(session);
  if (previous && previous !== me.id) await clearCaches(); // another person's scope: not theirs to see
  await meta.set('lastUserId', me.id);
  await outbox.unpause(); // before the screens read the outbox state again, or they would ask for a login again
  await refreshReference().catch(() => {}); // the report form needs the categories even if the network drops now
  setState({ session, needLogin: false });
  await reload();
  outbox.flush({ force: true });
  syncNow();
  return me;
}

/** Drop the cached server data (never the outbox nor the inspections begun: work waits for its owner to sign in). */
async function clearCaches() {
  await withDB(async (db) => {
    const cached = ['sites', 'hazards', 'notifications', 'tags', 'templates', 'takenPart', 'tasks', 'warnings'];
    const tx = db.transaction([...cached, 'meta'], 'readwrite');
    for (const store of cached) await tx.objectStore(store).clear();
    for (const key of ['sync', 'checkins', 'summary', 'enterprises', ...KEPT_KEYS]) await tx.objectStore('meta').delete(key);
    await tx.done;
  });
  await globalThis.caches?.delete('safegrid-photos-v1');
}

export async function logout() {
  await call('auth/logout', { method: 'POST', json: {} }).catch(() => {});
  await saveSession(null);
  await clearCaches();
  setState({ session: null, needLogin: false });
  await reload();
}

// ---- down-sync ----

export async function syncNow({ full = false } = {}) {
  if (!state.session || state.syncing || !navigator.onLine) return;
  setState({ syncing: true, syncError: null });
  try {
    await sync.pull({ full });
    await refreshReference();
    setState({ syncError: null });
  } catch (error) {
    setState({ syncError: error.status === 0 ? null : error.message });
  } finally {
    setState({ syncing: false });
    await reload();
  }
}

/**
 * Categories and vocabularies (few, rarely changed) and the inbox (the feed does not carry it yet):
 * fetched with each sync that succeeds, kept for offline.
 */
async function refreshReference() {
  const [categories, vocabularies, inbox] = await Promise.all([get('hazard-categories'), get('vocabularies'),
    get('inbox?page_size=50')]);
  await meta.set('categories', categories);
  await meta.set('vocabularies', vocabularies);
  await keepInspectionColleagues();
  await withDB(async (db) => {
    const tx = db.transaction('notifications', 'readwrite');
    await tx.store.clear();
    for (const note of inbox) await tx.store.put(note);
    await tx.done;
  });
}

/** The colleagues an inspection may name (co-inspectors, experts), read and kept so that a checklist run offline
 * offers them; failures are the next sync's to mend. */
async function keepInspectionColleagues() {
  const roles = new Set((state.session?.user?.roles || []).map((r) => r.role));
  const co = coInspectorRoles(roles);
  if (!co.length) return;
  await Promise.all([colleagues(co), colleagues(['expert'])]).catch(() => {});
}

// ---- tags and check-ins ----

/**
 * The site a scanned or typed code names: asked of the server when online, else looked up in the
 * tags the phone has seen. {site} | {unknown: true} (offline, never seen) | throws ApiError (refused).
 */
export async function resolveTag(text) {
  const code = compactCode(text);
  if (!code) throw Object.assign(new Error('invalid'), { status: 400, code: 'malformed' });
  try {
    const { tag, site } = await get(`tags/resolve?code=${encodeURIComponent(code)}`);
    await withDB(async (db) => {
      await db.put('tags', { code, serial: serialOf(code), site_id: site.id });
      if (!(await db.get('sites', site.id))) await db.put('sites', site);
    });
    return { code, site, tag };
  } catch (error) {
    if (error.status !== 0) throw error;
  }
  const known = await withDB((db) => db.get('tags', code));
  const site = known && (await withDB((db) => db.get('sites', known.site_id)));
  return site ? { code, site } : { code, unknown: true };
}

/** A check-in: time and place captured now, queued with the code as scanned (the server resolves it too). */
export async function checkIn(code, siteId) {
  const observedAt = localIso();
  const fix = await position({ timeoutMs: 4000 });
  const id = uuid();
  const key = siteId || `code:${code}`;
  await outbox.enqueue({ id, kind: 'checkin', method: 'POST', url: `${API}/checkins`,
    json: { id, code, observed_at: observedAt, latitude: fix?.latitude ?? null, longitude: fix?.longitude ?? null,
      accuracy_m: fix?.accuracy_m ?? null },
    label: code, ref: { key, siteId } });
  await recordCheckin(key, { id, at: observedAt, status: 'queued' });
  await reload();
  afterEnqueue();
  return id;
}

// ---- reports and changes ----

function photoItems(photos, ref) {
  return photos.map((p) => ({ id: p.id, kind: 'photo', method: 'PUT', url: `${API}/photos/${p.id}`,
    headers: { 'Content-Digest': p.contentDigest, 'Content-Type': p.type }, bytes: p.bytes,
    label: p.takenAt, ref: { ...ref, sha256: p.sha256, takenAt: p.takenAt } }));
}

/** A hazard report: its photos first (each its own item), then the report citing them. */
export async function reportHazard({ siteId, gridId, category, level, description, photos, fix, observedAt }) {
  const id = uuid();
  for (const item of photoItems(photos, { hazardId: id })) await outbox.enqueue(item);
  await outbox.enqueue({ id, kind: 'hazard', method: 'POST', url: `${API}/hazards`,
    json: { id, site_id: siteId || null, grid_id: siteId ? null : gridId, category, level, description,
      observed_at: observedAt, latitude: fix?.latitude ?? null, longitude: fix?.longitude ?? null,
      accuracy_m: fix?.accuracy_m ?? null, photo_ids: photos.map((p) => p.id) },
    label: description, ref: { hazardId: id, siteId } });
  await reload();
  afterEnqueue();
  return id;
}

/** A step of the loop, based on the version we hold (If-Match): a stale one comes back 412 and is shown. */
export async function transition(hazard, body, photos = []) {
  let etag = hazard.etag;
  if (!etag && state.online) etag = bareEtag((await call(`hazards/${hazard.id}`)).response.headers.get('ETag'));
  const id = uuid();
  for (const item of photoItems(photos, { hazardId: hazard.id })) await outbox.enqueue(item);
  await outbox.enqueue({ id, kind: 'transition', method: 'POST', url: `${API}/hazards/${hazard.id}/transitions`,
    headers: etag ? { 'If-Match': `"${etag}"` } : {},
    json: { id, ...body, ...(photos.length ? { photo_ids: photos.map((p) => p.id) } : {}) },
    label: body.action, ref: { hazardId: hazard.id } });
  await reload();
  afterEnqueue();
}

// ---- warnings (预警) ----

/**
 * 已阅: queued like any record, by its own client id (the server takes it once however often it arrives), with when
 * it was read on this phone's clock (the server corrects it by the Device-Time the outbox sends, as for a hazard's
 * observed_at): one read offline counts from then, not from when it arrives.
 */
export async function acknowledgeWarning(warning) {
  const id = uuid();
  await outbox.enqueue({ id, kind: 'warning_ack', method: 'POST', url: `${API}/warnings/${warning.id}/acknowledge`,
    json: { client_id: id, done_at: localIso() }, label: warning.title, ref: { warningId: warning.id } });
  await reload();
  afterEnqueue();
}

/** 已传达: how many households were told, and optionally a photo (sent first, on its own); timed as 已阅 is. */
export async function relayWarning(warning, { households, note = '', photos = [] }) {
  const id = uuid();
  for (const item of photoItems(photos, { warningId: warning.id })) await outbox.enqueue(item);
  await outbox.enqueue({ id, kind: 'warning_relay', method: 'POST', url: `${API}/warnings/${warning.id}/relay`,
    json: { client_id: id, households, note, photo_id: photos[0]?.id ?? null, done_at: localIso() }, label: warning.title,
    ref: { warningId: warning.id } });
  await reload();
  afterEnqueue();
}

/** The short poll while the app is open (main.js): the feed only, so a new warning shows within the minute. */
export async function pollFeed() {
  if (!state.session || state.syncing || !navigator.onLine) return;
  try { await sync.pull(); } catch { return; }
  await reload();
}

// ---- incidents (突发事件) and disaster statistics (灾情统计): queued like any record, sent when online ----

/** An incident's first report: its photos first, then the report citing them (as a hazard report). */
export async function reportIncident({ siteId, gridId, type, address, occurredAt, casualties, description, photos, fix }) {
  const id = uuid();
  for (const item of photoItems(photos, { incidentId: id })) await outbox.enqueue(item);
  await outbox.enqueue({ id, kind: 'incident', method: 'POST', url: `${API}/incidents`,
    json: { id, type, site_id: siteId || null, grid_id: siteId ? null : gridId, address, occurred_at: occurredAt,
      latitude: fix?.latitude ?? null, longitude: fix?.longitude ?? null, description, photo_ids: photos.map((p) => p.id),
      ...casualties },
    label: description, ref: { incidentId: id } });
  await reload();
  afterEnqueue();
  return id;
}

/** A step on an incident (报区, 确认接报, 要求续报), based on the version read (If-Match). */
export async function incidentStep(incident, etag, action, note) {
  const id = uuid();
  await outbox.enqueue({ id, kind: 'incident_step', method: 'POST', url: `${API}/incidents/${incident.id}/transitions`,
    headers: etag ? { 'If-Match': etag } : {}, json: { id, action, ...(note ? { note } : {}) },
    label: incident.address || incident.type_name, ref: { incidentId: incident.id } });
  await reload();
  afterEnqueue();
}

/** A follow-up (续报) or final report (终报) on an incident, with its photos. */
export async function incidentReport(incidentId, { kind, description, casualties, photos = [] }) {
  const id = uuid();
  for (const item of photoItems(photos, { incidentId })) await outbox.enqueue(item);
  await outbox.enqueue({ id, kind: 'incident_report', method: 'POST', url: `${API}/incidents/${incidentId}/reports`,
    json: { id, kind, description, photo_ids: photos.map((p) => p.id), ...casualties }, label: description,
    ref: { incidentId } });
  await reload();
  afterEnqueue();
}

/** A community's disaster report (初报, 续报, 核报). */
export async function disasterReport(disasterId, body) {
  const id = uuid();
  await outbox.enqueue({ id, kind: 'disaster_report', method: 'POST', url: `${API}/disasters/${disasterId}/reports`,
    json: { id, ...body }, label: body.kind, ref: { disasterId } });
  await reload();
  afterEnqueue();
}

// ---- inspections (检查) ----

const CHECKIN_FRESH_MS = 12 * 3600 * 1000;

/** The check-in made at this site on this round (today's, not last week's): it proves presence. */
function recentCheckin(siteId) {
  const entry = state.checkins[siteId];
  return entry?.id && Date.now() - Date.parse(entry.at) < CHECKIN_FRESH_MS ? entry.id : null;
}

/**
 * A new inspection's draft, kept at once: the phone's id from the start (the same id the server gets), the
 * version used (a copy, so that it still runs and submits once archived), the mode, the check-in made here.
 */
export async function startInspection({ template, site, mode }) {
  const draft = { id: uuid(), status: 'draft', userId: state.session?.user?.id ?? null, templateId: template.id,
    template, siteId: site.id, siteName: site.name, mode, startedAt: localIso(), finishedAt: null,
    checkinId: recentCheckin(site.id), answers: {}, server: null };
  await saveInspection(draft);
  return draft;
}

/**
 * Keep a draft (on every answer) or a submitted inspection with the server's answer. The write starts at once,
 * before the screens are read again: IndexedDB runs writes to one store in the order they were made.
 */
export async function saveInspection(record) {
  await withDB((db) => db.put('inspections', storable(record)));
  await reload();
}

/** Give up a draft (the user's explicit choice): nothing of it was sent. */
export async function discardInspection(id) {
  await withDB(async (db) => {
    if ((await db.get('inspections', id))?.status === 'draft') await db.delete('inspections', id);
  });
  await reload();
}

/** Finish a draft: its photos and signature queued first (each its own item), then the inspection citing them. */
export async function submitInspection(draft) {
  const finishedAt = localIso();
  const answers = answersBody(draft.template, draft.answers);
  for (const item of photoItems(draftPhotos(draft), { inspectionId: draft.id })) await outbox.enqueue(item);
  await outbox.enqueue({ id: draft.id, kind: 'inspection', method: 'POST', url: `${API}/inspections`,
    json: { id: draft.id, template_id: draft.templateId, site_id: draft.siteId, mode: draft.mode,
      started_at: draft.startedAt, finished_at: finishedAt, checkin_id: draft.checkinId, answers,
      ...teamBody(draft.team), acknowledgement: acknowledgementBody(draft.acknowledgement) },
    label: draft.template.name, ref: { inspectionId: draft.id, siteId: draft.siteId } });
  await saveInspection({ ...draft, status: 'queued', finishedAt });
  afterEnqueue();
}

/** The inspection as the server has it now (its score, its hazards), kept for offline. */
export async function refreshInspection(id) {
  const data = await get(`inspections/${id}`);
  const kept = await withDB((db) => db.get('inspections', id));
  if (kept) await saveInspection({ ...kept, status: 'sent', server: data });
  return data;
}

// ---- corrections (更正) of submitted inspections ----

/**
 * The inspection as the server has it, with the checklist version it used, to correct: read again when online
 * (a correction must be based on the current revision), else the copies kept here. Throws {code: 'offline'} when
 * the phone has not got its answers (a colleague's, from the feed: a summary only).
 */
async function correctionBase(inspectionId) {
  const own = await withDB((db) => db.get('inspections', inspectionId));
  let view = own?.server?.answers ? own.server : null;
  if (navigator.onLine) {
    try {
      view = await get(`inspections/${inspectionId}`);
      if (own) await withDB((db) => db.put('inspections', { ...own, status: 'sent', server: view }));
    } catch (error) {
      if (error.status !== 0) throw error;
    }
  }
  if (!view) throw Object.assign(new Error('offline'), { code: 'offline' });
  let template = own?.templateId === view.template_id ? own.template : await withDB((db) => db.get('templates', view.template_id));
  if (!template && navigator.onLine) template = await get(`inspection-templates/${view.template_id}`).catch(() => null);
  if (!template) throw Object.assign(new Error('offline'), { code: 'offline' });
  return { view, template };
}

/**
 * Begin correcting an inspection (or find the correction begun): a draft of the current revision's answers, kept
 * at once under its own id (the one the server gets), the revision it corrects, and the reason to come.
 */
export async function startCorrection(inspectionId, { reason = '' } = {}) {
  const begun = state.corrections.find((c) => c.inspectionId === inspectionId);
  if (begun?.status === 'draft') return begun;
  // One marked queued whose item is no longer in the outbox was given up in 待发送 (or sent as the page read it).
  if (begun && !state.items.some((i) => i.id === begun.id)) await withDB((db) => db.delete('corrections', begun.id));
  else if (begun) return begun;
  const { view, template } = await correctionBase(inspectionId);
  const base = draftAnswers(template, view.answers);
  const draft = { id: uuid(), status: 'draft', userId: state.session?.user?.id ?? null, inspectionId, basedOn: view.revision,
    templateId: template.id, template, siteId: view.site_id, siteName: view.site_name, startedAt: localIso(), base,
    answers: base, reason };
  await saveCorrection(draft);
  return draft;
}

/** Keep a correction's draft on every change, as a checklist's is. */
export async function saveCorrection(draft) {
  await withDB((db) => db.put('corrections', storable(draft)));
  await reload();
}

/** Give up a correction not sent (a draft, or one the server refused): nothing of it stays on the phone. */
export async function discardCorrection(id) {
  const queued = state.items.filter((i) => i.id === id || (i.kind === 'photo' && i.ref?.correctionId === id));
  for (const item of queued) await outbox.discard(item.id);
  await withDB((db) => db.delete('corrections', id));
  await reload();
}

/** Send a correction: the photos taken for it queued first, then the correction citing them (its id: the draft's). */
export async function submitCorrection(draft) {
  const ref = { inspectionId: draft.inspectionId, correctionId: draft.id, siteId: draft.siteId };
  for (const item of photoItems(correctionPhotos(draft), ref)) await outbox.enqueue(item);
  // Marked queued before it is in the outbox: an outbox already sending may take it at once, and its answer then
  // removes the correction from the phone (sent.js), which must not be written back after.
  await saveCorrection({ ...draft, status: 'queued' });
  await outbox.enqueue({ id: draft.id, kind: 'correction', method: 'POST',
    url: `${API}/inspections/${draft.inspectionId}/corrections`, json: correctionBody(draft), label: draft.template.name, ref });
  await reload();
  afterEnqueue();
}

/**
 * Someone corrected the inspection since the phone read it (412): this correction is dropped and a new one begun
 * on the latest revision, keeping the reason written, for the user to redo the changes.
 */
export async function redoCorrection(stale) {
  await discardCorrection(stale.id);
  return startCorrection(stale.inspectionId, { reason: stale.reason });
}

/** After a 412 or a stale view: fetch the hazard as it is now. */
export async function refreshOne(id) {
  const data = await refreshHazard(id);
  await reload();
  return data;
}

function afterEnqueue() {
  outbox.flush({ force: true });
  // Background Sync: if the page is closed before the network returns, the service worker sends.
  navigator.serviceWorker?.ready.then((reg) => reg.sync?.register(SYNC_TAG)).catch(() => {});
}

export async function markRead(notification) {
  if (notification.read_at || !state.online) return;
  await call(`inbox/${notification.id}/read`, { method: 'POST', json: {} }).catch(() => {});
}

export const getMeta = meta.get;
export const setMeta = meta.set;
export { getDB };
