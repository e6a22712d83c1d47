import { describe, expect, it } from 'vitest';
import { createSync, FULL_SYNC_MS } from '../src/lib/sync.js';
import { getDB, meta } from '../src/lib/db.js';
import { mergeHazards } from '../src/lib/view.js';
import { fakeClock } from './fakes.js';

const hazard = (id, state = 'reported', extra = {}) => ({ kind: 'hazard', id, etag: `e-${id}-${state}`,
  data: { id, state, observed_at: `2026-11-29T0${id.length}:00:00+08:00`, allowed_actions: ['acknowledge'], ...extra } });
const site = (id, extra = {}) => ({ kind: 'site', id, etag: null, data: { id, name: `site ${id}`, ...extra } });

/** A feed that serves `pages` for a full sync and `deltas[cursor]` after it, recording the URLs asked for. */
function fakeFeed({ pages, deltas = {} }) {
  const urls = [];
  const fetchJSON = async (url) => {
    urls.push(url);
    const cursor = new URL(url, 'http://x').searchParams.get('cursor');
    if (cursor === null) return pages[0];
    if (cursor in deltas) {
      const answer = deltas[cursor];
      if (answer instanceof Error) throw answer;
      return answer;
    }
    const index = pages.findIndex((p) => p.cursor === cursor);
    if (index >= 0 && pages[index + 1]) return pages[index + 1];
    throw Object.assign(new Error('unknown cursor'), { status: 410 });
  };
  return { fetchJSON, urls };
}

const all = async (store) => (await getDB()).getAll(store);

describe('sync', () => {
  it('pages through the feed while `more` is true and keeps the cursor', async () => {
    const { fetchJSON, urls } = fakeFeed({ pages: [
      { cursor: 'c1', more: true, changes: [site('s1'), hazard('h1')] },
      { cursor: 'c2', more: true, changes: [hazard('h2')] },
      { cursor: 'c3', more: false, changes: [{ kind: 'notification', id: 'n1', etag: null, data: { id: 'n1', title: '新报告' } }] },
    ] });
    const clock = fakeClock();
    const result = await createSync({ fetchJSON, now: clock.now, limit: 2 }).pull();
    expect(result).toEqual({ full: true, count: 4 });
    expect(urls).toEqual(['/api/v1/sync/changes?limit=2', '/api/v1/sync/changes?limit=2&cursor=c1',
      '/api/v1/sync/changes?limit=2&cursor=c2']);
    expect((await all('hazards')).map((h) => [h.id, h.etag])).toEqual([['h1', 'e-h1-reported'], ['h2', 'e-h2-reported']]);
    expect(await all('sites')).toHaveLength(1);
    expect(await all('notifications')).toHaveLength(1);
    expect(await meta.get('sync')).toMatchObject({ cursor: 'c3', partial: false, lastFullAt: clock.now() });
  });

  it('asks only for changes since the stored cursor, and a change replaces the cached record', async () => {
    const { fetchJSON, urls } = fakeFeed({
      pages: [{ cursor: 'c1', more: false, changes: [hazard('h1')] }],
      deltas: { c1: { cursor: 'c2', more: false, changes: [hazard('h1', 'acknowledged')] } },
    });
    const sync = createSync({ fetchJSON, now: fakeClock().now });
    await sync.pull();
    expect(await sync.pull()).toEqual({ full: false, count: 1 });
    expect(urls[1]).toBe('/api/v1/sync/changes?limit=500&cursor=c1');
    const [h1] = await all('hazards');
    expect([h1.data.state, h1.etag]).toEqual(['acknowledged', 'e-h1-acknowledged']);
  });

  it('does a full sync once a day and drops what left the scope', async () => {
    const clock = fakeClock();
    const feed = { pages: [{ cursor: 'c1', more: false, changes: [site('s1', { tag: { code: 'A000C-1S446-C88C2' } }), site('s2'), hazard('h1'), hazard('h2')] }] };
    const sync = createSync({ fetchJSON: fakeFeed(feed).fetchJSON, now: clock.now });
    await sync.pull();
    expect((await all('tags')).map((t) => [t.code, t.site_id, t.serial])).toEqual([['A000C1S446C88C2', 's1', 12345]]);
    clock.advance(FULL_SYNC_MS);
    feed.pages.splice(0, 1, { cursor: 'c9', more: false, changes: [site('s2'), hazard('h2')] }); // s1 and h1 left the scope
    expect((await sync.pull()).full).toBe(true);
    expect((await all('sites')).map((s) => s.id)).toEqual(['s2']);
    expect((await all('hazards')).map((h) => h.id)).toEqual(['h2']);
    expect(await all('tags')).toEqual([]);
  });

  it('goes on from the last page after an interruption, dropping nothing it did not see whole', async () => {
    const clock = fakeClock();
    const offline = Object.assign(new Error('offline'), { status: 0 });
    const { fetchJSON, urls } = fakeFeed({
      pages: [{ cursor: 'c1', more: true, changes: [hazard('h1')] }, { cursor: 'c2', more: false, changes: [hazard('h2')] }],
      deltas: { c1: offline },
    });
    const sync = createSync({ fetchJSON, now: clock.now });
    await expect(sync.pull()).rejects.toThrow('offline');
    expect(await meta.get('sync')).toMatchObject({ cursor: 'c1', partial: true });
    expect(await all('hazards')).toHaveLength(1); // what arrived is kept
    const feedBack = fakeFeed({ pages: [{ cursor: 'c1', more: true, changes: [] }, { cursor: 'c2', more: false, changes: [hazard('h2')] }] });
    const resumed = await createSync({ fetchJSON: feedBack.fetchJSON, now: clock.now }).pull();
    expect(resumed.full).toBe(true);
    expect(feedBack.urls).toEqual(['/api/v1/sync/changes?limit=500&cursor=c1']);
    expect((await all('hazards')).map((h) => h.id)).toEqual(['h1', 'h2']);
    expect(urls).toHaveLength(2);
  });

  it('keeps checklists from the feed, dropping an archived one unless a draft here was begun on it', async () => {
    const template = (id, state) => ({ kind: 'template', id, etag: null, data: { id, state, name: `checklist ${id}`, sections: [] } });
    const feed = {
      pages: [{ cursor: 'c1', more: false, changes: [template('t1', 'published'), template('t2', 'published')] }],
      deltas: { c1: { cursor: 'c2', more: false, changes: [template('t1', 'archived'), template('t2', 'archived')] } },
    };
    const clock = fakeClock();
    const sync = createSync({ fetchJSON: fakeFeed(feed).fetchJSON, now: clock.now });
    await sync.pull();
    expect((await all('templates')).map((t) => [t.id, t.state])).toEqual([['t1', 'published'], ['t2', 'published']]);
    await (await getDB()).put('inspections', { id: 'd1', status: 'draft', templateId: 't2', answers: {} });
    await sync.pull();
    expect((await all('templates')).map((t) => [t.id, t.state])).toEqual([['t2', 'archived']]);
    // A full sync that no longer sees it keeps it too, while the draft is there.
    clock.advance(FULL_SYNC_MS);
    feed.pages.splice(0, 1, { cursor: 'c9', more: false, changes: [] });
    await sync.pull();
    expect((await all('templates')).map((t) => t.id)).toEqual(['t2']);
  });

  it('keeps the inspections one took part in, and drops those a full sync no longer brings (past 30 days)', async () => {
    const taken = (id, revision = 1) => ({ kind: 'inspection', id, etag: null,
      data: { id, template_name: '巡查表', finished_at: '2026-12-01T02:00:00+00:00', revision } });
    const feed = { pages: [{ cursor: 'c1', more: false, changes: [taken('i1'), taken('i2')] }],
      deltas: { c1: { cursor: 'c2', more: false, changes: [taken('i1', 2)] } } };
    const clock = fakeClock();
    const sync = createSync({ fetchJSON: fakeFeed(feed).fetchJSON, now: clock.now });
    await sync.pull();
    await sync.pull();
    expect((await all('takenPart')).map((i) => [i.id, i.revision])).toEqual([['i1', 2], ['i2', 1]]);
    clock.advance(FULL_SYNC_MS);
    feed.pages.splice(0, 1, { cursor: 'c9', more: false, changes: [taken('i2')] });
    await sync.pull();
    expect((await all('takenPart')).map((i) => i.id)).toEqual(['i2']);
  });

  it('keeps the user\'s tasks, done ones too, and drops one given to someone else or cancelled', async () => {
    const task = (id, state, assignee = 'me') => ({ kind: 'task', id, etag: null,
      data: { id, state, assignee_id: assignee, site_name: `场所 ${id}`, due_date: '2026-12-31' } });
    const feed = { pages: [{ cursor: 'c1', more: false, changes: [task('t1', 'open'), task('t2', 'done'), task('t3', 'open')] }],
      deltas: { c1: { cursor: 'c2', more: false, changes: [task('t1', 'done'), task('t3', 'open', 'someone-else')] } } };
    const sync = createSync({ fetchJSON: fakeFeed(feed).fetchJSON, now: fakeClock().now, userId: () => 'me' });
    await sync.pull();
    expect((await all('tasks')).map((t) => [t.id, t.state])).toEqual([['t1', 'open'], ['t2', 'done'], ['t3', 'open']]);
    await sync.pull();
    expect((await all('tasks')).map((t) => [t.id, t.state])).toEqual([['t1', 'done'], ['t2', 'done']]);
    feed.deltas.c2 = { cursor: 'c3', more: false, changes: [task('t2', 'cancelled')] };
    await sync.pull();
    expect((await all('tasks')).map((t) => t.id)).toEqual(['t1']);
  });

  it('syncs in full once after an update from a version that kept no tasks', async () => {
    const { fetchJSON, urls } = fakeFeed({ pages: [{ cursor: 'c9', more: false, changes: [site('s1')] }] });
    const clock = fakeClock();
    await meta.set('sync', { cursor: 'c1', partial: false, lastFullAt: clock.now() - 3600_000, lastSyncAt: clock.now(),
      kindsVersion: 3 });
    expect((await createSync({ fetchJSON, now: clock.now }).pull()).full).toBe(true);
    expect(urls).toEqual(['/api/v1/sync/changes?limit=500']);
  });

  it('syncs in full once after an update from a version that kept no checklists', async () => {
    const { fetchJSON, urls } = fakeFeed({ pages: [{ cursor: 'c9', more: false, changes: [site('s1')] }] });
    const clock = fakeClock();
    // What the version before left: a cursor past the snapshot, a full sync an hour ago, no kindsVersion.
    await meta.set('sync', { cursor: 'c1', partial: false, lastFullAt: clock.now() - 3600_000, lastSyncAt: clock.now() });
    expect((await createSync({ fetchJSON, now: clock.now }).pull()).full).toBe(true);
    expect(urls).toEqual(['/api/v1/sync/changes?limit=500']);
  });

  it('starts over in full when the server no longer knows the cursor', async () => {
    const { fetchJSON, urls } = fakeFeed({
      pages: [{ cursor: 'c1', more: false, changes: [hazard('h1')] }],
      deltas: { c1: Object.assign(new Error('gone'), { status: 410 }) },
    });
    const sync = createSync({ fetchJSON, now: fakeClock().now });
    await sync.pull();
    expect((await sync.pull()).full).toBe(true);
    expect(urls.at(-1)).toBe('/api/v1/sync/changes?limit=500');
  });

  it('shares one pass between concurrent pulls', async () => {
    const { fetchJSON, urls } = fakeFeed({ pages: [{ cursor: 'c1', more: false, changes: [] }] });
    const sync = createSync({ fetchJSON, now: fakeClock().now });
    await Promise.all([sync.pull(), sync.pull()]);
    expect(urls).toHaveLength(1);
  });
});

describe('queued changes over the cached state', () => {
  const cached = [hazard('h1', 'reported'), hazard('h22', 'rectifying')].map((c) => ({ id: c.id, etag: c.etag, data: c.data }));

  it('shows a queued report as 待发送 (queued), never as reported', () => {
    const items = [{ id: 'new', kind: 'hazard', status: 'queued', userId: 'u1',
      json: { id: 'new', site_id: 's1', category: 'fire', level: 'general', description: 'x',
        observed_at: '2026-11-29T12:00:00+08:00', photo_ids: ['p1'] } }];
    const merged = mergeHazards(cached, items);
    const mine = merged.find((h) => h.id === 'new');
    expect(mine).toMatchObject({ state: 'queued', reporter_id: 'u1', photos: [{ id: 'p1', state: 'local' }],
      pending: { action: 'report', status: 'queued' } });
    expect(merged.map((h) => h.id)).toEqual(['new', 'h22', 'h1']);
  });

  it('lists newest seen first, on the server\'s clock where it measured the phone\'s, whatever the zones', () => {
    const seen = [
      hazard('a', 'reported', { observed_at: '2026-11-29T10:00:00+08:00' }), // 02:00 UTC
      // its phone ran an hour slow: seen at 01:30 UTC by its clock, 02:30 UTC on the server's
      hazard('bb', 'reported', { observed_at: '2026-11-29T01:30:00Z', observed_at_server: '2026-11-29T02:30:00Z' }),
      hazard('ccc', 'reported', { observed_at: '2026-11-29T02:15:00Z' }),
    ].map((c) => ({ id: c.id, etag: c.etag, data: c.data }));
    expect(mergeHazards(seen, []).map((h) => h.id)).toEqual(['bb', 'ccc', 'a']);
  });

  it('once the feed has the report, the server\'s record wins', () => {
    const items = [{ id: 'h1', kind: 'hazard', status: 'queued', json: { id: 'h1' } }];
    expect(mergeHazards(cached, items).find((h) => h.id === 'h1')).toMatchObject({ state: 'reported', pending: null });
  });

  it('shows where a queued transition leads and offers nothing more until it is sent', () => {
    const items = [{ id: 't1', kind: 'transition', status: 'queued', ref: { hazardId: 'h1' }, json: { id: 't1', action: 'acknowledge' } }];
    const vocab = { hazard_actions: [{ code: 'acknowledge', to: 'acknowledged', fields: [] }] };
    const h1 = mergeHazards(cached, items, vocab).find((h) => h.id === 'h1');
    expect(h1).toMatchObject({ state: 'acknowledged', allowed_actions: [],
      pending: { action: 'acknowledge', status: 'queued', from: 'reported' } });
  });
});
