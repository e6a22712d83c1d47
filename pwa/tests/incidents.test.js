import { describe, expect, it } from 'vitest';
import { applySent } from '../src/lib/sent.js';
import { createSync, KINDS_VERSION } from '../src/lib/sync.js';
import { forget, meta } from '../src/lib/db.js';
import { incidentsOnPhone, keptIncident, keptIncidents } from '../src/lib/incidents.js';

const incident = (id, state = 'received', extra = {}) => ({ id, state, type: 'natural.flood', type_name: '自然灾害·水旱灾害',
  address: '京汉大道涵洞', received_at: '2026-07-06T00:05:00+00:00', forward_due_at: '2026-07-06T00:35:00+00:00',
  latest: { dead: 0, injured: 0, missing: 0, trapped: 2 }, ...extra });
const answered = (etag) => ({ status: 201, headers: new Headers({ ETag: `"${etag}"` }) });

describe('incidents on the phone', () => {
  it('keeps a sent report with its ETag, and lists it offline once the outbox has let it go', async () => {
    const item = { id: 'i1', kind: 'incident', status: 'queued', json: { id: 'i1', type: 'natural.flood',
      address: '京汉大道涵洞', occurred_at: '2026-07-06T08:00:00+08:00', trapped: 2 } };
    // waiting: listed from the outbox as 待发送
    expect(incidentsOnPhone([], [item]).map((i) => [i.id, i.queued, i.latest.trapped])).toEqual([['i1', 'queued', 2]]);
    await applySent(item, incident('i1'), answered('v1'));
    await forget(); // what was kept outlives the connection (an app restart)
    const kept = (await keptIncidents()).map((r) => r.data);
    expect(incidentsOnPhone(kept, []).map((i) => [i.id, i.state, i.queued])).toEqual([['i1', 'received', undefined]]);
    expect((await keptIncident('i1')).etag).toBe('v1');
  });

  it('a step the server took replaces the kept copy with its answer and new ETag', async () => {
    await applySent({ id: 'i2', kind: 'incident' }, incident('i2'), answered('v1'));
    await applySent({ id: 's1', kind: 'incident_step' }, incident('i2', 'forwarded'), answered('v2'));
    expect(await keptIncident('i2')).toEqual({ id: 'i2', etag: 'v2', data: incident('i2', 'forwarded') });
  });

  it('the feed fills the store, and a phone of the version before takes a full pass for it', async () => {
    await meta.set('sync', { cursor: '40', lastFullAt: Date.now(), kindsVersion: KINDS_VERSION - 1 });
    const urls = [];
    const fetchJSON = async (url) => {
      urls.push(url);
      return { cursor: '41', more: false, changes: [{ kind: 'incident', id: 'i3', etag: 'e3', data: incident('i3') }] };
    };
    const { full } = await createSync({ fetchJSON }).pull();
    expect(full).toBe(true);
    expect(urls[0]).not.toContain('cursor=');
    expect(await keptIncident('i3')).toEqual({ id: 'i3', etag: 'e3', data: incident('i3') });
  });

  it('lists the queued first, then the newest received, each once', () => {
    const older = incident('a', 'closed', { received_at: '2026-07-05T00:00:00+00:00' });
    const newer = incident('b', 'forwarded');
    const sentAlready = { id: 'b', kind: 'incident', status: 'queued', json: { id: 'b' } };
    const refused = { id: 'c', kind: 'incident', status: 'attention', json: { id: 'c', address: 'x' } };
    expect(incidentsOnPhone([older, newer], [sentAlready, refused, { id: 'p', kind: 'photo' }]).map((i) => i.id))
      .toEqual(['c', 'b', 'a']);
    expect(incidentsOnPhone([], [refused])[0].queued).toBe('attention');
  });
});
