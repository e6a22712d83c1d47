import { describe, expect, it } from 'vitest';
import { byEnterpriseStep, departmentLists, enterpriseStep, majorSteps, unreadNotices } from '../src/lib/next-steps.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const hazard = (id, fields) => ({ id, state: 'reported', level: 'general', allowed_actions: [], ...fields });
const rectifying = (id, deadline, fields = {}) => hazard(id, {
  state: 'rectifying', deadline, allowed_actions: ['submit_rectification'], ...fields });

describe("an enterprise's next step", () => {
  const unread = new Set(['new']);
  const step = (h) => enterpriseStep(h, { unread, now: NOW });

  it('puts an overdue rectification first, even a new one', () => {
    expect(step(rectifying('new', '2026-12-02T00:00:00Z'))).toBe('overdue');
  });

  it('tells a new notice from one being worked on by the unread inbox', () => {
    expect(step(rectifying('new', '2026-12-10T00:00:00Z'))).toBe('notice');
    expect(step(rectifying('old', '2026-12-10T00:00:00Z'))).toBe('rectify');
  });

  it('asks a major hazard for its plan and its dual report while they are missing and allowed', () => {
    const major = rectifying('m', '2026-12-10T00:00:00Z', { level: 'major',
      allowed_actions: ['record_dual_report', 'submit_plan', 'submit_rectification'] });
    expect(majorSteps(major)).toEqual(['submit_plan', 'record_dual_report']);
    expect(step(major)).toBe('major');
    const planned = { ...major, plan: { measures: 'x' }, regulator_reported_at: '2026-12-01T00:00:00Z' };
    expect(majorSteps(planned)).toEqual([]);
    expect(step(planned)).toBe('rectify');
    // a closed major hazard may still owe its dual report
    expect(step(hazard('c', { state: 'closed', level: 'major', allowed_actions: ['record_dual_report'] }))).toBe('major');
  });

  it('offers its own reports to self-rectify, and waits for the station otherwise', () => {
    expect(step(hazard('s', { allowed_actions: ['self_rectify'] }))).toBe('self_rectify');
    expect(step(hazard('r', { state: 'submitted' }))).toBe('reinspection');
    expect(step(hazard('a', { state: 'acknowledged' }))).toBe('waiting');
    expect(step(hazard('q', { state: 'queued' }))).toBe('waiting');
    expect(step(hazard('x', { state: 'closed' }))).toBe(null);
  });

  it('groups them, soonest deadline first', () => {
    const groups = byEnterpriseStep([rectifying('b', '2026-12-20T00:00:00Z'), rectifying('a', '2026-12-09T00:00:00Z'),
      hazard('x', { state: 'rejected' })], { now: NOW });
    expect(groups.rectify.map((h) => h.id)).toEqual(['a', 'b']);
    expect(Object.values(groups).flat()).toHaveLength(2);
  });

  it('reads the unread notices and returns from the inbox', () => {
    expect([...unreadNotices([{ kind: 'notice', hazard_id: 'a', read_at: null },
      { kind: 'returned', hazard_id: 'b', read_at: null }, { kind: 'notice', hazard_id: 'c', read_at: '2026-12-01' },
      { kind: 'transferred', hazard_id: 'd', read_at: null }])]).toEqual(['a', 'b']);
  });
});

describe("a department's lists", () => {
  it('puts what was transferred to it first, what it may act on before the latest transfer', () => {
    const { transferred, others } = departmentLists([
      hazard('older', { transferred_at: '2026-12-01T00:00:00Z', allowed_actions: ['acknowledge'] }),
      hazard('newer', { transferred_at: '2026-12-03T00:00:00Z' }),
      hazard('newest', { transferred_at: '2026-12-03T06:00:00Z', allowed_actions: ['acknowledge'] }),
      rectifying('own', '2026-12-10T00:00:00Z', { allowed_actions: [] }),
      hazard('done', { state: 'closed', transferred_at: '2026-12-03T00:00:00Z' }),
    ]);
    expect(transferred.map((h) => h.id)).toEqual(['newest', 'older', 'newer']);
    expect(others.map((h) => h.id)).toEqual(['own']);
  });
});
