import { afterEach, describe, expect, it, vi } from 'vitest';
import { callPatiently, transport } from '../src/lib/api.js';

describe('transport (how the outbox sends an item)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('tells the server what time the phone thinks it is as it sends, so a wrong clock can be measured', async () => {
    const sent = [];
    vi.stubGlobal('fetch', async (url, init) => {
      sent.push({ url, init });
      return new Response('{}', { status: 201, headers: { Date: new Date().toUTCString() } });
    });
    const before = Date.now();
    await transport({ method: 'POST', url: '/api/v1/hazards', json: { id: 'h1' } });
    const { headers } = sent[0].init;
    const deviceTime = Date.parse(headers['Device-Time']);
    expect(headers['Device-Time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/); // RFC 3339, with its zone
    expect(deviceTime).toBeGreaterThanOrEqual(before);
    expect(deviceTime).toBeLessThanOrEqual(Date.now());
    expect(headers['Content-Type']).toBe('application/json');
  });
});

describe('callPatiently (a sign-in through a bad network)', () => {
  afterEach(() => vi.unstubAllGlobals());
  const noWait = () => Promise.resolve();
  const token = () => new Response(JSON.stringify({ token: 't' }), { status: 201 });

  it('sends again when the answer never came or came cut, and resolves with the whole one', async () => {
    const answers = [
      () => Promise.reject(new TypeError('Failed to fetch')), // dropped
      () => Promise.resolve(new Response('{"tok', { status: 201 })), // cut mid-body
      () => Promise.resolve(new Response('bad gateway', { status: 502 })), // a proxy's answer
      () => Promise.resolve(token()),
    ];
    let calls = 0;
    vi.stubGlobal('fetch', async () => answers[calls++]());
    const retries = [];
    const { data } = await callPatiently('auth/login', { method: 'POST', json: {} },
      { wait: noWait, onRetry: (n) => retries.push(n) });
    expect(data).toEqual({ token: 't' });
    expect(retries).toEqual([1, 2, 3]);
  });

  it('gives up a try that takes too long, and tries again', async () => {
    let calls = 0;
    vi.stubGlobal('fetch', (url, { signal }) => {
      calls += 1;
      if (calls > 1) return Promise.resolve(token());
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    });
    const { data } = await callPatiently('auth/login', { method: 'POST', json: {} }, { wait: noWait, timeoutMs: 20 });
    expect(data.token).toBe('t');
    expect(calls).toBe(2);
  });

  it('never sends a refused sign-in again (each try would count against the throttle)', async () => {
    let calls = 0;
    vi.stubGlobal('fetch', async () => {
      calls += 1;
      return new Response(JSON.stringify({ code: 'login_failed', status: 401, message: '用户名或密码错误' }), { status: 401 });
    });
    await expect(callPatiently('auth/login', { method: 'POST', json: {} }, { wait: noWait }))
      .rejects.toMatchObject({ status: 401, message: '用户名或密码错误' });
    expect(calls).toBe(1);
  });

  it('says a network failure after its last try as status 0, never as the browser’s text', async () => {
    vi.stubGlobal('fetch', async () => new Response('{"cut', { status: 200 }));
    await expect(callPatiently('me', {}, { wait: noWait, tries: 2 })).rejects.toMatchObject({ status: 0, code: 'cut' });
  });
});
