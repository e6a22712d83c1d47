/**
 * 待发送 as the user sees it: the records they made (隐患报告, 到场打卡, 操作), each holding the photos it
 * cites, rather than the outbox's items one by one. Display only: the outbox still sends item by item.
 */

const isPhoto = (item) => item.kind === 'photo';

/** The photos a record cites: a report's or a step's photo_ids, an inspection's answers' photos and signature. */
export function citedPhotos(item) {
  if (item.kind === 'warning_relay') return item.json?.photo_id ? [item.json.photo_id] : [];
  if (item.kind === 'correction') return (item.json?.answers || []).flatMap((a) => a.photo_ids || []);
  if (item.kind === 'inspection') {
    const signature = item.json?.acknowledgement?.signature_photo_id;
    return [...(item.json?.answers || []).flatMap((a) => a.photo_ids || []), ...(signature ? [signature] : [])];
  }
  return item.json?.photo_ids || [];
}

/**
 * Outbox items → records, in the order the first of each one's items was queued:
 * [{ id, record, photos, photoCount, photosSent, hazardId, status, createdAt, userId }].
 *
 * A photo belongs to the queued record that cites it (citedPhotos) (the store queues a record's photos
 * just before it, so they are sent first). A photo no queued record cites (its record was sent or
 * given up while the photo needs attention) is still shown: `record` null, grouped under the hazard
 * (or inspection) it was taken for (`ref.hazardId`, `ref.inspectionId`), so the screen can name it when the phone knows that hazard.
 */
export function groupRecords(items) {
  const citedBy = new Map();
  for (const item of items) {
    if (!isPhoto(item)) for (const photoId of citedPhotos(item)) citedBy.set(photoId, item.id);
  }
  const records = new Map();
  const recordFor = (id, first) => {
    if (!records.has(id)) records.set(id, { id, record: null, photos: [], hazardId: first.ref?.hazardId ?? null });
    return records.get(id);
  };
  for (const item of items) {
    if (!isPhoto(item)) recordFor(item.id, item).record = item;
    else recordFor(citedBy.get(item.id) ?? `photos:${item.ref?.hazardId ?? item.ref?.inspectionId ?? item.id}`, item).photos.push(item);
  }
  return [...records.values()].map(({ record, photos, ...rest }) => {
    const photoCount = record ? citedPhotos(record).length : photos.length;
    const all = record ? [...photos, record] : photos;
    return {
      ...rest, record, photos, photoCount, photosSent: record ? photoCount - photos.length : 0,
      status: all.some((i) => i.status === 'attention') ? 'attention' : 'queued',
      createdAt: Math.min(...all.map((i) => i.createdAt ?? Infinity)), userId: (record ?? photos[0]).userId ?? null,
    };
  });
}

/**
 * The status line's counts in records: `sent` of this batch (the outbox counts the records it sent,
 * not their photos) out of `total`, so three reports of two photos each read 0/3. A photo whose record
 * has gone is no record of its own: it is counted as waiting or needing attention, not in the total.
 */
export function countRecords(items, sentRecords = 0) {
  const records = groupRecords(items);
  const attention = records.filter((r) => r.status === 'attention').length;
  const made = records.filter((r) => r.record).length;
  return { queued: records.length - attention, attention, sent: sentRecords, total: sentRecords + made };
}
