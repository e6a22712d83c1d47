import { describe, expect, it } from 'vitest';
import { offlineReadiness } from '../src/lib/readiness.js';

const synced = { sync: { lastSyncAt: '2026-12-03T13:00:00Z' }, categories: [{ code: 'fire' }], vocab: { states: [] } };
const empty = { sync: null, categories: [], vocab: null };

describe('offlineReadiness (what the login screen and settings say)', () => {
  it('is ready only when the service worker controls the page and a signed-in user’s data is on the phone', () => {
    expect(offlineReadiness({ shell: 'ready', session: null, ...empty })).toBe('ready'); // the login screen works offline
    expect(offlineReadiness({ shell: 'ready', session: {}, ...synced })).toBe('ready');
    expect(offlineReadiness({ shell: 'ready', session: {}, ...empty })).toBe('preparing');
    expect(offlineReadiness({ shell: 'ready', session: {}, ...synced, vocab: null })).toBe('preparing');
    expect(offlineReadiness({ shell: 'installing', session: {}, ...synced })).toBe('preparing');
  });

  it('says a failed try is being tried again: the install’s, or the data’s after its first retry', () => {
    expect(offlineReadiness({ shell: 'retrying', session: null, ...empty })).toBe('retrying');
    expect(offlineReadiness({ shell: 'ready', session: {}, ...empty, offlineDataTries: 1 })).toBe('preparing');
    expect(offlineReadiness({ shell: 'ready', session: {}, ...empty, offlineDataTries: 2 })).toBe('retrying');
    expect(offlineReadiness({ shell: 'unsupported', session: {}, ...synced })).toBe('unsupported');
  });
});
