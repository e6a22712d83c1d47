import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { replayOutbox } from '../src/lib/background-sync.js';
import { CHANNEL_NAME, createOutbox } from '../src/lib/outbox.js';
import { getDB, meta } from '../src/lib/db.js';
import { json } from './fakes.js';

const HAZARD = 'a3c1e0f2-0000-4000-8000-000000000001';
const cached = async () => (await getDB()).get('hazards', HAZARD);

/** What the page queues for a step of the loop (store.js transition), based on the version it holds. */
async function queueAcknowledge(etag) {
  const page = createOutbox({ transport: async () => { throw new Error('the page is closed'); }, log: () => {} });
  await page.enqueue({ id: 't1', kind: 'transition', method: 'POST', url: `/api/v1/hazards/${HAZARD}/transitions`,
    headers: { 'If-Match': `"${etag}"` }, json: { id: 't1', action: 'acknowledge' }, label: 'acknowledge',
    ref: { hazardId: HAZARD }, userId: 'u1' });
}

/** The server: answers from `routes['METHOD path']`, records what arrived. */
function fakeServer(routes) {
  const requests = [];
  vi.stubGlobal('fetch', async (url, init = {}) => {
    const method = init.method || 'GET';
    requests.push({ method, url, headers: init.headers || {} });
    const answer = routes[`${method} ${url}`];
    if (!answer) throw new TypeError('Failed to fetch');
    return answer();
  });
  return requests;
}

describe('Background Sync (the service worker sends while no page is open)', () => {
  beforeEach(async () => {
    await meta.set('session', { token: 'tok', user: { id: 'u1' } });
    await (await getDB()).put('hazards', { id: HAZARD, etag: 'v1', data: { id: HAZARD, state: 'reported' } });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('keeps the hazard and its ETag from the answer, so the next change is not refused as stale', async () => {
    await queueAcknowledge('v1');
    const requests = fakeServer({
      [`POST /api/v1/hazards/${HAZARD}/transitions`]: () => json(200, { id: HAZARD, state: 'acknowledged' },
        { ETag: 'W/"v2"' }),
    });
    await replayOutbox();
    expect(requests[0].headers).toMatchObject({ 'If-Match': '"v1"', Authorization: 'Bearer tok' });
    expect(await cached()).toEqual({ id: HAZARD, etag: 'v2', data: { id: HAZARD, state: 'acknowledged' } });
    expect(await (await getDB()).getAll('outbox')).toEqual([]);
  });

  it('reads the hazard again when the answer carries no ETag', async () => {
    await queueAcknowledge('v1');
    const requests = fakeServer({
      [`POST /api/v1/hazards/${HAZARD}/transitions`]: () => json(200, { id: HAZARD, state: 'acknowledged' }),
      [`GET /api/v1/hazards/${HAZARD}`]: () => json(200, { id: HAZARD, state: 'acknowledged', version: 2 },
        { ETag: '"v2"' }),
    });
    await replayOutbox();
    expect(requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(await cached()).toEqual({ id: HAZARD, etag: 'v2', data: { id: HAZARD, state: 'acknowledged', version: 2 } });
  });

  it('keeps a new report as the server answered it, with its ETag', async () => {
    const page = createOutbox({ transport: async () => { throw new Error('the page is closed'); }, log: () => {} });
    await page.enqueue({ id: 'h2', kind: 'hazard', method: 'POST', url: '/api/v1/hazards',
      json: { id: 'h2', category: 'fire' }, ref: { hazardId: 'h2' }, userId: 'u1' });
    fakeServer({ 'POST /api/v1/hazards': () => json(201, { id: 'h2', state: 'reported' }, { ETag: '"r1"' }) });
    await replayOutbox();
    expect(await (await getDB()).get('hazards', 'h2')).toEqual({ id: 'h2', etag: 'r1', data: { id: 'h2', state: 'reported' } });
  });

  it('tells an open page that the outbox changed, so it redraws from what was stored', async () => {
    await queueAcknowledge('v1');
    fakeServer({ [`POST /api/v1/hazards/${HAZARD}/transitions`]: () => json(200, { id: HAZARD }, { ETag: '"v2"' }) });
    const page = new BroadcastChannel(CHANNEL_NAME);
    const heard = new Promise((resolve) => { page.onmessage = (event) => resolve(event.data); });
    try {
      await replayOutbox();
      expect(await heard).toBe('changed');
    } finally {
      page.close();
    }
  });

  it('fails the sync while the item still waits, so the browser tries it again later', async () => {
    await queueAcknowledge('v1');
    fakeServer({}); // offline again: every request fails
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(replayOutbox()).rejects.toThrow('outbox not empty');
    expect(await cached()).toMatchObject({ etag: 'v1', data: { state: 'reported' } });
  });
});
