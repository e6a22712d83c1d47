import { describe, expect, it } from 'vitest';
import { backoffSeconds, createOutbox } from '../src/lib/outbox.js';
import { forget, getDB } from '../src/lib/db.js';
import { fakeClock, fakeTransport, json, noTimers } from './fakes.js';

const quiet = { ...noTimers, log: () => {} };
const report = (id, extra = {}) => ({ id, kind: 'hazard', method: 'POST', url: '/api/v1/hazards',
  json: { id, description: `report ${id}` }, ...extra });

describe('outbox', () => {
  it('sends one item at a time in the order queued and removes each only on a 2xx', async () => {
    const { transport, calls } = fakeTransport(() => json(201, {}));
    const box = createOutbox({ transport, ...quiet });
    for (const id of ['c', 'a', 'b']) await box.enqueue(report(id));
    expect((await box.status())).toMatchObject({ queued: 3, sent: 0, total: 3 });
    await box.flush();
    expect(calls.map((i) => i.id)).toEqual(['c', 'a', 'b']);
    expect(await box.list()).toEqual([]);
    expect(await box.status()).toMatchObject({ queued: 0, sent: 3, total: 3 });
  });

  it('keeps an item whose upload was cut off and removes it when the replay is answered 200', async () => {
    const stored = new Map(); // the server: one record per client id, whatever is sent twice
    const { transport, calls } = fakeTransport((item, n) => {
      const created = !stored.has(item.id);
      stored.set(item.id, item.json);
      if (n === 1) throw new TypeError('Failed to fetch'); // arrived, but the answer was lost
      return json(created ? 201 : 200, item.json);
    });
    const clock = fakeClock();
    const box = createOutbox({ transport, now: clock.now, ...quiet });
    await box.enqueue(report('h1'));
    await box.flush();
    expect((await box.list()).map((i) => i.id)).toEqual(['h1']);
    expect(await box.status()).toMatchObject({ queued: 1, sent: 0, failures: 1 });
    await box.flush({ force: true });
    expect(calls).toHaveLength(2);
    expect(await box.list()).toEqual([]);
    expect(stored.size).toBe(1);
    expect(await box.status()).toMatchObject({ sent: 1, total: 1, failures: 0 });
  });

  it('queues the same id once', async () => {
    const box = createOutbox({ transport: async () => json(201, {}), ...quiet });
    expect(await box.enqueue(report('x'))).toBe(true);
    expect(await box.enqueue(report('x'))).toBe(false);
    expect(await box.list()).toHaveLength(1);
  });

  it('pauses on 401, keeps the whole queue, and carries on after signing in again', async () => {
    let token = 'expired';
    const { transport, calls } = fakeTransport(() => (token === 'expired' ? json(401, { code: 'unauthorized' }) : json(201, {})));
    const box = createOutbox({ transport, ...quiet });
    await box.enqueue(report('a'));
    await box.enqueue(report('b'));
    await box.flush();
    expect(calls).toHaveLength(1);
    expect(await box.status()).toMatchObject({ paused: 'auth', queued: 2 });
    await box.flush({ force: true }); // even a forced replay waits for the login
    expect(calls).toHaveLength(1);
    token = 'fresh';
    await box.resume();
    expect(calls.map((i) => i.id)).toEqual(['a', 'a', 'b']);
    expect(await box.status()).toMatchObject({ paused: null, queued: 0, sent: 2 });
  });

  it('moves a refused item to "needs attention" with the server\'s reason and goes on with the next', async () => {
    const { transport, calls } = fakeTransport((item) => (item.id === 'bad'
      ? json(422, { code: 'validation_error', status: 422, message: '没有这个隐患类别', errors: { json: { category: ['x'] } } })
      : json(201, {})));
    const box = createOutbox({ transport, ...quiet });
    await box.enqueue(report('bad'));
    await box.enqueue(report('good'));
    await box.flush();
    expect(calls.map((i) => i.id)).toEqual(['bad', 'good']);
    const [held] = await box.list();
    expect(held).toMatchObject({ id: 'bad', status: 'attention',
      error: { status: 422, code: 'validation_error', message: '没有这个隐患类别' } });
    expect(await box.status()).toMatchObject({ queued: 0, attention: 1, sent: 1, total: 2 });
    await box.flush({ force: true });
    expect(calls).toHaveLength(2); // not resent by itself
    await box.retry('bad'); // the user's choice puts it back in line
    expect(calls.map((i) => i.id)).toEqual(['bad', 'good', 'bad']);
    await box.discard('bad');
    expect(await box.list()).toEqual([]);
  });

  it('treats 409 and 412 as needing attention, not as sent', async () => {
    const { transport } = fakeTransport((item) => (item.id === 't1'
      ? json(412, { code: 'precondition_failed', message: '已被他人修改', errors: { current: { state: 'acknowledged' } } })
      : json(409, { code: 'id_conflict', message: '该隐患编号已用于另一条内容不同的报告' })));
    const box = createOutbox({ transport, ...quiet });
    await box.enqueue({ ...report('t1'), kind: 'transition' });
    await box.enqueue(report('h2'));
    await box.flush();
    const items = await box.list();
    expect(items.map((i) => [i.id, i.status, i.error.status])).toEqual([['t1', 'attention', 412], ['h2', 'attention', 409]]);
    expect(items[0].error.errors.current.state).toBe('acknowledged');
  });

  it('backs off min(2^n, 300) s after network errors and 5xx, holding the line, until a manual retry', async () => {
    const clock = fakeClock();
    let up = false;
    const { transport, calls } = fakeTransport(() => (up ? json(201, {}) : json(503, { code: 'unavailable' })));
    const box = createOutbox({ transport, now: clock.now, ...quiet });
    await box.enqueue(report('a'));
    await box.enqueue(report('b'));
    const waits = [];
    for (let n = 1; n <= 10; n += 1) {
      await box.flush();
      const { nextAttemptAt } = await box.status();
      waits.push((nextAttemptAt - clock.now()) / 1000);
      await box.flush(); // too early: nothing is sent
      expect(calls).toHaveLength(n);
      clock.advance(nextAttemptAt - clock.now());
    }
    expect(waits).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    expect(calls.every((i) => i.id === 'a')).toBe(true); // the line waits behind its head
    expect(backoffSeconds(20)).toBe(300);
    up = true;
    clock.advance(-1000); // a manual retry does not wait for the timer
    await box.retry();
    expect(calls.slice(-2).map((i) => i.id)).toEqual(['a', 'b']);
    expect(await box.status()).toMatchObject({ failures: 0, nextAttemptAt: 0, queued: 0, sent: 2 });
  });

  it('honours a longer Retry-After on 429 and 503', async () => {
    const clock = fakeClock();
    const box = createOutbox({ transport: async () => json(429, {}, { 'Retry-After': '60' }), now: clock.now, ...quiet });
    await box.enqueue(report('a'));
    await box.flush();
    expect((await box.status()).nextAttemptAt - clock.now()).toBe(60_000);
  });

  it('survives closing and reopening the database, as after a reload or an app update', async () => {
    const box = createOutbox({ transport: async () => { throw new TypeError('offline'); }, ...quiet });
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]).buffer;
    await box.enqueue({ id: 'p1', kind: 'photo', method: 'PUT', url: '/api/v1/photos/p1', bytes });
    await box.enqueue(report('h1'));
    await box.flush();
    await forget(); // the page goes away
    const { transport, calls } = fakeTransport(() => json(201, {}));
    const again = createOutbox({ transport, ...quiet });
    expect((await again.list()).map((i) => [i.id, i.status])).toEqual([['p1', 'queued'], ['h1', 'queued']]);
    await again.flush({ force: true }); // replay on start
    expect(calls.map((i) => i.id)).toEqual(['p1', 'h1']);
    expect(new Uint8Array(calls[0].bytes)).toEqual(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
  });

  it('reconnects when the browser closed the connection under it', async () => {
    const box = createOutbox({ transport: async () => json(201, {}), ...quiet });
    await box.enqueue(report('a'));
    (await getDB()).close(); // as Chrome does under memory pressure
    await box.enqueue(report('b'));
    expect((await box.list()).map((i) => i.id)).toEqual(['a', 'b']);
  });

  it('sends only the signed-in user\'s items; another user\'s wait for them', async () => {
    let me = 'u1';
    const { transport, calls } = fakeTransport(() => json(201, {}));
    const box = createOutbox({ transport, userId: () => me, ...quiet });
    await box.enqueue(report('mine'));
    me = 'u2';
    await box.enqueue(report('theirs'));
    // what the header counts is this account's own: u1's report is not "waiting" for u2
    expect(await box.status()).toMatchObject({ queued: 1, total: 1, others: 1 });
    await box.flush();
    expect(calls.map((i) => i.id)).toEqual(['theirs']);
    expect(await box.status()).toMatchObject({ queued: 0, others: 1 });
    me = 'u1';
    await box.flush();
    expect(calls.map((i) => i.id)).toEqual(['theirs', 'mine']);
  });

  it('calls the after-send hook with the server\'s answer', async () => {
    const seen = [];
    const box = createOutbox({ transport: async (i) => json(201, { id: i.id, state: 'reported' }, { ETag: '"v1"' }),
      onSent: async (item, body, response) => seen.push([item.id, body.state, response.headers.get('ETag')]), ...quiet });
    await box.enqueue(report('h'));
    await box.flush();
    expect(seen).toEqual([['h', 'reported', '"v1"']]);
  });

  it('counts progress per batch: a new batch starts when the queue was empty', async () => {
    const box = createOutbox({ transport: async () => json(201, {}), ...quiet });
    await box.enqueue(report('a'));
    await box.flush();
    expect(await box.status()).toMatchObject({ sent: 1, total: 1 });
    await box.enqueue(report('b'));
    await box.enqueue(report('c'));
    expect(await box.status()).toMatchObject({ sent: 0, total: 2, queued: 2 });
  });
});
