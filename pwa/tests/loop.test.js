import { describe, expect, it, vi } from 'vitest';
import { setLang } from '../src/i18n/index.js';
import { actionName, changeBody, formOf, stateName, targetOf } from '../src/lib/loop.js';

// As /api/v1/vocabularies describes the loop (server/hazards/machine.py): two actions, a state, an event.
const VOCAB = {
  hazard_actions: [
    { code: 'return', zh: '复查未通过，退回整改', en: 'Fail re-inspection, return', from: ['submitted'], to: 'rectifying',
      fields: [{ name: 'result', kind: 'textarea', required: true, zh: '复查结果', en: 'Re-inspection result', parts: [] },
        { name: 'deadline', kind: 'date', required: true, zh: '整改期限', en: 'Deadline', parts: [] },
        { name: 'photo_ids', kind: 'photos', required: false, zh: '复查照片', en: 'Re-inspection photos', parts: [] }] },
    { code: 'submit_plan', zh: '报送整改方案（五落实）', en: 'Submit plan', from: ['acknowledged'], to: null,
      fields: [{ name: 'plan', kind: 'plan', required: true, zh: '整改方案', en: 'Rectification plan', parts: [
        { name: 'measures', kind: 'textarea', zh: '整改措施', en: 'Measures', parts: [] },
        { name: 'deadline', kind: 'date', zh: '方案完成期限', en: 'Plan deadline', parts: [] }] }] },
  ],
  hazard_states: [{ code: 'rectifying', zh: '整改中', en: 'Being rectified' }],
  record_actions: [{ code: 'escalate', zh: '超时未受理，上报', en: 'Escalated: not acknowledged in time' }],
};

// setLang remembers the choice and retitles the page: a store and a page that keep nothing.
vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => {} });
vi.stubGlobal('document', { documentElement: {}, title: '' });

describe('the loop as the server describes it', () => {
  it('names actions, states and the record\'s other events in the chosen language, never by their codes', () => {
    setLang('zh-CN');
    expect([actionName(VOCAB, 'return'), actionName(VOCAB, 'escalate'), stateName(VOCAB, 'rectifying')])
      .toEqual(['复查未通过，退回整改', '超时未受理，上报', '整改中']);
    expect([actionName(VOCAB, 'forward'), stateName(VOCAB, 'archived'), stateName(VOCAB, 'queued')])
      .toEqual(['操作', '状态未知', '待发送']);
    expect([actionName(null, 'return'), stateName(null, 'rectifying')]).toEqual(['操作', '状态未知']);
    setLang('en');
    expect([actionName(VOCAB, 'return'), formOf(VOCAB, 'return')[2].label]).toEqual(['Fail re-inspection, return', 'Re-inspection photos']);
    setLang('zh-CN');
  });

  it('leads where the server says, and nowhere for an action that keeps the state or is unknown', () => {
    expect([targetOf(VOCAB, 'return'), targetOf(VOCAB, 'submit_plan'), targetOf(VOCAB, 'reopen'), targetOf(null, 'return')])
      .toEqual(['rectifying', null, null, null]);
  });

  it('builds a change from its form: dates as the end of the day, photos apart, a plan as one object', () => {
    const returned = changeBody('return', formOf(VOCAB, 'return'), { result: ' 仍有杂物 ', deadline: '2026-12-10', photos: ['p'] });
    expect(returned).toEqual({ action: 'return', result: '仍有杂物', deadline: '2026-12-10T23:59:00+08:00' });
    const plan = changeBody('submit_plan', formOf(VOCAB, 'submit_plan'), { 'plan.measures': '更换线路', 'plan.deadline': '2026-12-20' });
    expect(plan).toEqual({ action: 'submit_plan', plan: { measures: '更换线路', deadline: '2026-12-20T23:59:00+08:00' } });
  });
});
