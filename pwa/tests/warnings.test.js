import { describe, expect, it } from 'vitest';
import { chosenUnder, coveredBy, latestWarnings, needsAck, needsRelay, pendingByWarning, toggleArea } from '../src/lib/warnings.js';

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

describe('the issue form\'s areas', () => {
  const known = {
    1: { id: 1, path: '/0/1/' }, 2: { id: 2, path: '/0/2/' }, 11: { id: 11, path: '/0/1/11/' },
    111: { id: 111, path: '/0/1/11/111/' }, 12: { id: 12, path: '/0/1/12/' },
  };

  it('ticks a community or a grid on its own, and a street covers what lies under it', () => {
    let chosen = toggleArea([], known[111], known);
    chosen = toggleArea(chosen, known[12], known);
    expect(chosen).toEqual([111, 12]);
    expect(chosenUnder(known[1], chosen, known)).toBe(2);
    chosen = toggleArea([...chosen, 2], known[1], known); // the street: its community and grid go, the other street stays
    expect(chosen).toEqual([2, 1]);
    expect(coveredBy(known[111], chosen, known)).toBe(1);
    expect(coveredBy(known[1], chosen, known)).toBe(null);
    expect(toggleArea(chosen, known[1], known)).toEqual([2]);
  });

  it('does not take a sibling with a longer id for a child', () => {
    const more = { ...known, 10: { id: 10, path: '/0/10/' } };
    expect(coveredBy(more[10], [1], more)).toBe(null);
  });
});
