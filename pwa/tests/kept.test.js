import { describe, expect, it } from 'vitest';
import { rankingKept, rankingRead } from '../src/lib/kept.js';

const offline = async () => { throw Object.assign(new Error('offline'), { status: 0 }); };

describe('lists kept for offline use', () => {
  it('keeps two lists read at once under one key, and offers each offline as the copy last read', async () => {
    await Promise.all([rankingRead('a', async () => ['one']), rankingRead('b', async () => ['two'])]);
    expect((await rankingKept('a')).value).toEqual(['one']);
    const [a, b] = await Promise.all([rankingRead('a', offline), rankingRead('b', offline)]);
    expect([a.value, a.stale, b.value, b.stale]).toEqual([['one'], true, ['two'], true]);
    await expect(rankingRead('c', offline)).rejects.toThrow('offline'); // never read: nothing to offer
  });
});
