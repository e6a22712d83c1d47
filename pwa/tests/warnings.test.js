import { describe, expect, it } from 'vitest';
import { latestWarnings, needsAck, needsRelay, pendingByWarning } from '../src/lib/warnings.js';

const NOW = Date.parse('2026-07-06T08:00:00Z');
const message = (over) => ({
  id: 'a', root_id: 'a', msg_type: 'alert', level: 'red', sent_at: '2026-07-06T07:00:00Z',
  expires_at: '2026-07-06T20:00:00Z', superseded_by: null,
  receipt: { role: 'grid_worker', acknowledged_at: null, relayed_at: null, must_relay: true }, ...over,
});

describe('latestWarnings', () => {
  it('shows the latest message of each warning, an update in place of its alert', () => {
    const alert = message({ superseded_by: 'b' });
    const update = message({ id: 'b', msg_type: 'update', level: 'orange', sent_at: '2026-07-06T07:30:00Z' });
    expect(latestWarnings([alert, update], [], NOW).map((w) => w.id)).toEqual(['b']);
  });

  it('shows a cancellation for a day, and never an expired warning', () => {
    const cancel = message({ id: 'c', msg_type: 'cancel', sent_at: '2026-07-06T07:50:00Z' });
    expect(latestWarnings([message({ superseded_by: 'c' }), cancel], [], NOW).map((w) => w.id)).toEqual(['c']);
    expect(latestWarnings([cancel], [], NOW + 2 * 24 * 3600 * 1000)).toEqual([]);
    expect(latestWarnings([message({ expires_at: '2026-07-06T07:59:00Z' })], [], NOW)).toEqual([]);
  });

  it('puts red before blue', () => {
    const blue = message({ id: 'x', root_id: 'x', level: 'blue', sent_at: '2026-07-06T07:59:00Z' });
    expect(latestWarnings([blue, message()], [], NOW).map((w) => w.level)).toEqual(['red', 'blue']);
  });
});

describe('what the user still owes a warning', () => {
  it('counts a queued 已阅 or 已传达 as done, and a cancellation as nothing to do', () => {
    const items = [{ kind: 'warning_ack', status: 'queued', ref: { warningId: 'a' } }];
    expect(pendingByWarning(items)).toEqual({ a: { ack: 'queued' } });
    const [w] = latestWarnings([message()], items, NOW);
    expect(needsAck(w)).toBe(false);
    expect(needsRelay(w)).toBe(true);
    const [fresh] = latestWarnings([message()], [], NOW);
    expect(needsAck(fresh)).toBe(true);
    const relayed = { ...fresh, pending: { relay: 'queued' } };
    expect(needsAck(relayed) || needsRelay(relayed)).toBe(false);
    expect(needsAck({ ...fresh, msg_type: 'cancel' })).toBe(false);
  });

  it('asks nothing of an officer beyond reading it', () => {
    const [w] = latestWarnings([message({ receipt: { role: 'station_officer', must_relay: false } })], [], NOW);
    expect(needsAck(w)).toBe(true);
    expect(needsRelay(w)).toBe(false);
  });
});
