import { describe, expect, it } from 'vitest';
import { getDB } from '../src/lib/db.js';
import { applySent } from '../src/lib/sent.js';

const answer = (body) => ({ status: 201, headers: new Headers(), json: async () => body });

describe('after the server took an inspection', () => {
  it('keeps the server\'s score with the inspection, in place of the phone\'s preview', async () => {
    const db = await getDB();
    await db.put('inspections', { id: 'i1', status: 'queued', answers: { a: { value: 'fail' } }, server: null });
    const body = { id: 'i1', points: 70, max_points: 90, percentage: 77.8, passed: false, hazards: [{ item: 'a', hazard_id: 'h1' }] };
    await applySent({ id: 'i1', kind: 'inspection' }, body, answer(body));
    expect(await db.get('inspections', 'i1')).toMatchObject({ status: 'sent', server: body, answers: { a: { value: 'fail' } } });
  });

  it('makes no record of an inspection the phone no longer holds', async () => {
    await applySent({ id: 'i2', kind: 'inspection' }, { id: 'i2' }, answer({ id: 'i2' }));
    expect(await (await getDB()).get('inspections', 'i2')).toBeUndefined();
  });
});
