import { describe, expect, it } from 'vitest';
import { newSeed, sha256Hex, shareOf, thisMonth } from '../src/lib/draws.js';

describe('a draw as the app asks for it', () => {
  it('sends a share in percent as the decimal the API takes, at most four places', () => {
    expect(shareOf('10')).toBe(0.1);
    expect(shareOf('12.5')).toBe(0.125);
    expect(shareOf('33.333')).toBe(0.3333);
    expect(shareOf('100')).toBe(1);
  });

  it('takes this month in Wuhan, not in UTC', () => {
    expect(thisMonth(Date.parse('2026-11-30T16:30:00Z'))).toEqual(['2026-12-01', '2026-12-31']); // 00:30 on 1 Dec there
    expect(thisMonth(Date.parse('2028-02-10T00:00:00Z'))).toEqual(['2028-02-01', '2028-02-29']);
  });

  it('commits to a seed by the SHA-256 of its UTF-8, as the server checks it', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(newSeed()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSeed()).not.toBe(newSeed());
  });
});
