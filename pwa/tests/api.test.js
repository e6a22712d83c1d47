import { afterEach, describe, expect, it, vi } from 'vitest';
import { transport } from '../src/lib/api.js';

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
