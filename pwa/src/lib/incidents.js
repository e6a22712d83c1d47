/**
 * The incidents (突发事件) on this phone: those kept from the feed and from the server's answers (IndexedDB
 * `incidents`), and the first reports still in the outbox, so that the lists show them offline.
 */
import { withDB } from './db.js';

/** The kept incidents: [{id, etag, data}]. */
export const keptIncidents = () => withDB((db) => db.getAll('incidents'));

/** One kept incident, or undefined. */
export const keptIncident = (id) => withDB((db) => db.get('incidents', id));

/**
 * What the lists show: the server's incidents (read online, or else those kept), each once, newest first, after
 * the first reports the outbox still holds (`queued`: 待发送, or `attention` when the server refused one).
 */
export function incidentsOnPhone(incidents, items) {
  const known = new Set(incidents.map((i) => i.id));
  const waiting = items
    .filter((item) => item.kind === 'incident' && item.status !== 'sent' && !known.has(item.id))
    .map((item) => ({ ...item.json, latest: casualtiesOf(item.json), queued: item.status === 'attention' ? 'attention' : 'queued' }));
  const byReceipt = [...incidents].sort((a, b) => b.received_at.localeCompare(a.received_at));
  return [...waiting, ...byReceipt];
}

const casualtiesOf = (body) => ({ dead: body.dead ?? 0, injured: body.injured ?? 0, missing: body.missing ?? 0,
  trapped: body.trapped ?? 0 });
