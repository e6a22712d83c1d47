/** What the screens show: the cached server state with the phone's queued changes laid over it. */
import { targetOf } from './loop.js';

/** When a hazard was seen: on the server's clock where the server measured the phone's, else as the phone said. */
export const seenAt = (hazard) => hazard.observed_at_server ?? hazard.observed_at;

/** A queued report as a hazard-shaped record, so lists show it beside the server's, marked 待发送. */
function fromReport(item) {
  const body = item.json;
  return {
    id: body.id, site_id: body.site_id, grid_id: body.grid_id, category: body.category, level: body.level,
    description: body.description, observed_at: body.observed_at, reporter_id: item.userId,
    photos: (body.photo_ids || []).map((id) => ({ id, state: 'local' })), state: 'queued',
    allowed_actions: [], source: body.source,
  };
}

/**
 * Hazards for display: cached [{id, etag, data}] merged with outbox items. A report still queued
 * is state 'queued' (never shown as sent); a hazard with a change waiting shows where it will
 * lead (as the vocabularies say: only for display, the server decides), marks `pending`, and offers
 * no further action until the server has answered.
 */
export function mergeHazards(cached, items, vocab) {
  const byId = new Map(cached.map((h) => [h.id, { ...h.data, etag: h.etag, pending: null }]));
  for (const item of items) {
    if (item.kind === 'hazard' && !byId.has(item.id)) {
      byId.set(item.id, { ...fromReport(item), etag: null,
        pending: { action: 'report', status: item.status, error: item.error, itemId: item.id } });
    } else if (item.kind === 'transition' && byId.has(item.ref?.hazardId)) {
      const hazard = byId.get(item.ref.hazardId);
      const action = item.json.action;
      byId.set(hazard.id, { ...hazard, state: targetOf(vocab, action) || hazard.state, allowed_actions: [],
        pending: { action, status: item.status, error: item.error, itemId: item.id, from: hazard.state } });
    }
  }
  return [...byId.values()].sort((a, b) => Date.parse(seenAt(b)) - Date.parse(seenAt(a)));
}

/** The ids of photos still on the phone (queued, or needing attention), for "待发送" badges. */
export function localPhotoIds(items) {
  return new Set(items.filter((i) => i.kind === 'photo').map((i) => i.id));
}

export const OPEN_STATES = new Set(['queued', 'reported', 'acknowledged', 'rectifying', 'submitted']);
