import { describe, expect, it } from 'vitest';
import { createOutbox } from '../src/lib/outbox.js';
import { countRecords, groupRecords } from '../src/lib/records.js';
import { json, noTimers } from './fakes.js';

const quiet = { ...noTimers, log: () => {} };
const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]).buffer;
const photo = (id, hazardId) => ({ id, kind: 'photo', method: 'PUT', url: `/api/v1/photos/${id}`, bytes,
  headers: { 'Content-Type': 'image/jpeg' }, ref: { hazardId } });
const report = (id, photoIds = []) => ({ id, kind: 'hazard', method: 'POST', url: '/api/v1/hazards',
  json: { id, category: 'fire', description: `report ${id}`, photo_ids: photoIds }, ref: { hazardId: id } });
const checkin = (id) => ({ id, kind: 'checkin', method: 'POST', url: '/api/v1/checkins', json: { id, code: 'A000C1S446C88C2' } });

/** What the store queues for a report: its photos first, then the report citing them. */
async function queueReport(box, id, nPhotos) {
  const ids = Array.from({ length: nPhotos }, (_, n) => `${id}-p${n + 1}`);
  for (const photoId of ids) await box.enqueue(photo(photoId, id));
  await box.enqueue(report(id, ids));
}

describe('the outbox as records', () => {
  it('holds each report with the photos it cites, in the order made', () => {
    const items = [photo('p1', 'h1'), photo('p2', 'h1'), report('h1', ['p1', 'p2']), checkin('c1'),
      photo('p3', 'h2'), report('h2', ['p3'])];
    const records = groupRecords(items);
    expect(records.map((r) => [r.id, r.record.kind, r.photos.map((p) => p.id), r.photoCount, r.photosSent]))
      .toEqual([['h1', 'hazard', ['p1', 'p2'], 2, 0], ['c1', 'checkin', [], 0, 0], ['h2', 'hazard', ['p3'], 1, 0]]);
    expect(countRecords(items)).toEqual({ queued: 3, attention: 0, sent: 0, total: 3 });
  });

  it('holds an inspection with the photos its answers cite', () => {
    const inspection = { id: 'i1', kind: 'inspection', method: 'POST', url: '/api/v1/inspections', label: '巡查表',
      json: { id: 'i1', answers: [{ item: 'a', value: 'fail', photo_ids: ['p1', 'p2'] }, { item: 'b', value: 'pass', photo_ids: [] },
        { item: 'c', value: 'fail', photo_ids: ['p3'] }] }, ref: { inspectionId: 'i1' } };
    const items = [photo('p1'), photo('p2'), photo('p3'), inspection];
    const [record, ...rest] = groupRecords(items);
    expect(rest).toEqual([]);
    expect([record.id, record.photos.map((p) => p.id), record.photoCount]).toEqual(['i1', ['p1', 'p2', 'p3'], 3]);
    expect(countRecords(items)).toEqual({ queued: 1, attention: 0, sent: 0, total: 1 });
  });

  it('holds an inspection with the signature its acknowledgement cites, as one of its photos', () => {
    const inspection = { id: 'i1', kind: 'inspection', method: 'POST', url: '/api/v1/inspections', label: '巡查表',
      json: { id: 'i1', answers: [{ item: 'a', value: 'fail', photo_ids: ['p1'] }],
        acknowledgement: { name: '张经理', signature_photo_id: 'sig' } }, ref: { inspectionId: 'i1' } };
    const [record, ...rest] = groupRecords([photo('p1'), photo('sig'), inspection]);
    expect(rest).toEqual([]);
    expect([record.photos.map((p) => p.id), record.photoCount]).toEqual([['p1', 'sig'], 2]);
  });

  it('counts the photos of a record already sent', () => {
    const [record] = groupRecords([photo('p3', 'h1'), report('h1', ['p1', 'p2', 'p3'])]);
    expect(record).toMatchObject({ photoCount: 3, photosSent: 2, status: 'queued' });
  });

  it('keeps a photo no queued record cites, under the hazard it was for', () => {
    const refused = { ...photo('p2', 'h1'), status: 'attention', error: { status: 422 } };
    const records = groupRecords([refused, report('h2')]);
    expect(records.map((r) => [r.id, r.record, r.hazardId, r.photos.map((p) => p.id), r.status]))
      .toEqual([['photos:h1', null, 'h1', ['p2'], 'attention'], ['h2', records[1].record, 'h2', [], 'queued']]);
    // h1 itself was sent: 1/2 records, and its photo needs attention
    expect(countRecords([refused, report('h2')], 1)).toEqual({ queued: 1, attention: 1, sent: 1, total: 2 });
  });

  it('needs attention when the record or any of its photos does', () => {
    const refused = { ...photo('p1', 'h1'), status: 'attention' };
    expect(groupRecords([refused, report('h1', ['p1'])])[0].status).toBe('attention');
    expect(groupRecords([photo('p1', 'h1'), { ...report('h1', ['p1']), status: 'attention' }])[0].status).toBe('attention');
  });

  it('reads 0/3 for three reports of two photos each, and counts records as they are sent', async () => {
    let sentPhotos = 0;
    const box = createOutbox({ transport: async () => { throw new TypeError('offline'); }, ...quiet });
    for (const id of ['h1', 'h2', 'h3']) await queueReport(box, id, 2);
    expect((await box.status()).records).toEqual({ queued: 3, attention: 0, sent: 0, total: 3 });
    expect(await box.status()).toMatchObject({ queued: 9, total: 9 }); // the replay's own count is still in items

    const online = createOutbox({ ...quiet, transport: async (item) => {
      if (item.kind === 'photo') sentPhotos += 1;
      return sentPhotos > 3 ? json(503, {}) : json(201, {}); // the network drops at h2's second photo
    } });
    await online.flush({ force: true });
    expect((await online.status()).records).toEqual({ queued: 2, attention: 0, sent: 1, total: 3 });
    const h2 = groupRecords(await online.list()).find((r) => r.id === 'h2');
    expect(h2).toMatchObject({ photoCount: 2, photosSent: 1 });
    expect(h2.photos.map((p) => p.id)).toEqual(['h2-p2']);
  });

  it('starts a new count of records with a new batch', async () => {
    const box = createOutbox({ transport: async () => json(201, {}), ...quiet });
    await queueReport(box, 'h1', 2);
    await box.flush();
    expect((await box.status()).records).toEqual({ queued: 0, attention: 0, sent: 1, total: 1 });
    await queueReport(box, 'h2', 1);
    expect((await box.status()).records).toEqual({ queued: 1, attention: 0, sent: 0, total: 1 });
  });
});
