/**
 * After the server took an outbox item: the phone's cached copy brought up to the server's answer, by
 * whichever sent it, the page or the service worker (Background Sync). A hazard kept with a stale ETag
 * would turn the next change made on the phone into a 412.
 */
import { call } from './api.js';
import { meta, withDB } from './db.js';
import { bareEtag } from './sync.js';
import { updatedSummary } from './correction.js';

async function putHazard(data, etag) {
  await withDB((db) => db.put('hazards', { id: data.id, etag, data }));
}

/** The hazard as the server has it now, kept with its ETag (after a 412, or an answer without one). */
export async function refreshHazard(id) {
  const { data, response } = await call(`hazards/${id}`);
  await putHazard(data, bareEtag(response.headers.get('ETag')));
  return data;
}

/** A check-in's state on this phone (queued, sent and the server's flags), by site or by scanned code. */
export async function recordCheckin(key, patch) {
  const all = (await meta.get('checkins')) ?? {};
  all[key] = { ...all[key], ...patch };
  await meta.set('checkins', all);
}

/**
 * A correction the server took (201, or 200 for one it made already): its answer, the inspection at its new
 * revision, replaces the phone's copies (an inspection submitted here, the feed's summary) and the correction
 * leaves the phone.
 */
async function keepCorrected(item, body) {
  await withDB(async (db) => {
    const tx = db.transaction(['inspections', 'takenPart', 'corrections'], 'readwrite');
    const own = await tx.objectStore('inspections').get(body.id);
    if (own && (own.server?.revision ?? 0) <= body.revision) await tx.objectStore('inspections').put({ ...own, server: body });
    const summary = await tx.objectStore('takenPart').get(body.id);
    if (summary && (summary.revision ?? 0) <= body.revision) await tx.objectStore('takenPart').put(updatedSummary(summary, body));
    await tx.objectStore('corrections').delete(item.id);
    await tx.done;
  });
}

const INCIDENT_ITEMS = ['incident', 'incident_step', 'incident_report'];

/** The outbox's onSent: (item, body, response) after a 2xx. */
export async function applySent(item, body, response) {
  if (item.kind === 'hazard' && body?.id) {
    await putHazard(body, bareEtag(response.headers.get('ETag')));
  } else if (item.kind === 'transition' && body?.id) {
    const etag = bareEtag(response.headers.get('ETag'));
    await putHazard(body, etag);
    // The transition's answer may not carry the hazard's ETag: read the hazard again for it.
    if (!etag) await refreshHazard(body.id).catch(() => {});
  } else if (item.kind === 'inspection' && body?.id) {
    // The server's score replaces the phone's preview: kept, to be shown offline too.
    await withDB(async (db) => {
      const kept = await db.get('inspections', item.id);
      if (kept) await db.put('inspections', { ...kept, status: 'sent', server: body });
    });
  } else if (item.kind === 'correction' && body?.id) {
    await keepCorrected(item, body);
  } else if ((item.kind === 'warning_ack' || item.kind === 'warning_relay') && body?.id) {
    // the server's answer carries the receipt as it now stands (已阅, 已传达): the banner reads it offline
    await withDB((db) => db.put('warnings', body));
  } else if (INCIDENT_ITEMS.includes(item.kind) && body?.id) {
    // the incident as the server now has it, with its ETag: its screens show it offline, and a step made there
    // is based on it
    await withDB((db) => db.put('incidents', { id: body.id, etag: bareEtag(response.headers.get('ETag')), data: body }));
  } else if (item.kind === 'checkin') {
    await recordCheckin(item.ref.key, { status: 'sent', flags: body?.flags ?? [] });
  }
}
