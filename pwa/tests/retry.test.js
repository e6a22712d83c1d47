import { describe, expect, it } from 'vitest';
import { backoff, retrying } from '../src/lib/retry.js';

const noWait = () => Promise.resolve();

describe('backoff', () => {
  it('doubles from its base up to its cap, spread around the figure so phones do not retry in step', () => {
    const exact = (n) => backoff(n, { base: 500, max: 8000, jitter: 0 });
    expect([0, 1, 2, 3, 4, 5, 9].map(exact)).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoff(1, { base: 1000, jitter: 0.2, random: () => 0 })).toBe(1600);
    expect(backoff(1, { base: 1000, jitter: 0.2, random: () => 0.999999 })).toBe(2400);
  });
});

describe('retrying', () => {
  it('tries again after each failure, waiting longer each time, until the task succeeds', async () => {
    const waits = [];
    let calls = 0;
    const result = await retrying(async (attempt) => {
      calls += 1;
      if (attempt < 2) throw new Error('cut');
      return 'whole';
    }, { tries: 4, base: 100, jitter: 0, wait: async (ms) => { waits.push(ms); } });
    expect(result).toBe('whole');
    expect(calls).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up after its tries with the last error, and tells of each new try before it', async () => {
    const told = [];
    let n = 0;
    const failing = retrying(async () => { n += 1; throw new Error(`failure ${n}`); },
      { tries: 3, wait: noWait, onRetry: (attempt) => told.push(attempt) });
    await expect(failing).rejects.toThrow('failure 3');
    expect(told).toEqual([1, 2]);
  });

  it('does not try again an error it is told will not mend', async () => {
    let calls = 0;
    const refused = retrying(async () => { calls += 1; throw Object.assign(new Error('wrong password'), { status: 401 }); },
      { tries: 5, wait: noWait, retryable: (error) => error.status !== 401 });
    await expect(refused).rejects.toThrow('wrong password');
    expect(calls).toBe(1);
  });
});
