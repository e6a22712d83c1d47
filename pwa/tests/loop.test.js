import { describe, expect, it, vi } from 'vitest';
import { loadLang, setLang } from '../src/i18n/index.js';
import {
  actionName, changeBody, choiceName, documentName, eventDetails, flagNames, formOf, hazardField, stateName, targetOf,
} from '../src/lib/loop.js';

// As /api/v1/vocabularies describes the loop (server/hazards/machine.py): some actions (the first two as a vocabulary
// of before served them: no answers, no help), a state, an event, the hazard's fields, flags and documents.
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
    { code: 'request_extension', zh: '申请延期', en: 'Request extension', from: ['rectifying'], to: null,
      fields: [{ name: 'deadline', kind: 'date', required: true, zh: '延期至', en: 'Extend to', parts: [], choices: [], hint: null },
        { name: 'reason', kind: 'textarea', required: true, zh: '理由', en: 'Reason', parts: [], choices: [], hint: null }] },
    { code: 'decide_extension', zh: '审批延期', en: 'Decide extension', from: ['rectifying'], to: null,
      fields: [{ name: 'approved', kind: 'bool', required: true, zh: '审批结果', en: 'Decision', parts: [], hint: null,
        choices: [{ value: true, zh: '准予延期', en: 'Grant the extension' }, { value: false, zh: '不予延期', en: 'Refuse the extension' }] },
      { name: 'reason', kind: 'textarea', required: true, zh: '理由', en: 'Reason', parts: [], choices: [], hint: null }] },
    { code: 'issue_notice', zh: '下达整改意见', en: 'Issue notice', from: ['acknowledged'], to: 'rectifying',
      fields: [{ name: 'deadline', kind: 'date', required: false, zh: '整改期限', en: 'Deadline', parts: [], choices: [],
        hint: { zh: '不填则按等级默认', en: 'Empty: the default for the level' } }] },
    { code: 'order_rectification', zh: '责令限期整改', en: 'Order rectification', from: ['acknowledged'], to: 'rectifying',
      fields: [{ name: 'co_signer', kind: 'officer', role: 'enforcement_officer', required: true, zh: '第二执法人员',
        en: 'Second signing officer', parts: [], choices: [], hint: null }] },
  ],
  hazard_fields: [{ name: 'regulator_reported_at', kind: 'date', zh: '报告监管部门日期', en: 'Reported to the regulator on', parts: [], choices: [], hint: null }],
  hazard_flags: [{ code: 'listed', zh: '挂牌督办', en: 'Listed for supervision' }, { code: 'extension_pending', zh: '延期待审批', en: 'Extension awaiting a decision' }],
  document_kinds: [{ code: 'listing_notice', zh: '重大事故隐患挂牌督办通知书', en: 'Listing notice for a major hazard' }],
  hazard_states: [{ code: 'rectifying', zh: '整改中', en: 'Being rectified' }],
  record_actions: [{ code: 'escalate', zh: '超时未受理，上报', en: 'Escalated: not acknowledged in time' }],
};

// setLang remembers the choice and retitles the page: a store and a page that keep nothing.
vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => {} });
vi.stubGlobal('document', { documentElement: {}, title: '' });

describe('the loop as the server describes it', () => {
  it('names actions, states and the record\'s other events in the chosen language, never by their codes', async () => {
    setLang('zh-CN');
    expect([actionName(VOCAB, 'return'), actionName(VOCAB, 'escalate'), stateName(VOCAB, 'rectifying')])
      .toEqual(['复查未通过，退回整改', '超时未受理，上报', '整改中']);
    expect([actionName(VOCAB, 'forward'), stateName(VOCAB, 'archived'), stateName(VOCAB, 'queued')])
      .toEqual(['操作', '状态未知', '待发送']);
    expect([actionName(null, 'return'), stateName(null, 'rectifying')]).toEqual(['操作', '状态未知']);
    await loadLang('en');
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

describe('what a hazard\'s page and record show, as the server names it', () => {
  const day = (iso) => iso.slice(0, 10);

  it('names a step\'s decision by the answer given, and the dates it set by their field on that form', async () => {
    setLang('zh-CN');
    const decided = { action: 'decide_extension', data: { approved: false, deadline_in_force: '2026-12-10T15:59:00+00:00' } };
    expect(eventDetails(VOCAB, decided, day)).toEqual(['不予延期']);
    expect(eventDetails(VOCAB, { action: 'decide_extension', data: { approved: true } }, day)).toEqual(['准予延期']);
    const asked = { action: 'request_extension', data: { deadline: '2026-12-20T15:59:00+00:00' } };
    expect(eventDetails(VOCAB, asked, day)).toEqual(['延期至 2026-12-20']);
    expect(eventDetails(VOCAB, { action: 'report', data: { level: 'major' } }, day)).toEqual([]);
    expect(eventDetails(VOCAB, { action: 'decide_extension' }, day)).toEqual([]);
    // the colleague picked, by the name the record keeps beside the id, never by the id
    const ordered = { action: 'order_rectification', data: { co_signer: 'u-1', co_signer_name: '许静' } };
    expect(eventDetails(VOCAB, ordered, day)).toEqual(['第二执法人员 许静']);
    expect(eventDetails(VOCAB, { action: 'order_rectification', data: { co_signer: 'u-1' } }, day)).toEqual([]);
    await loadLang('en');
    expect(eventDetails(VOCAB, decided, day)).toEqual(['Refuse the extension']);
    setLang('zh-CN');
  });

  it('offers a decision\'s answers by name, and a field\'s help', () => {
    const [decision] = formOf(VOCAB, 'decide_extension');
    expect(decision.choices.map((c) => c.label)).toEqual(['准予延期', '不予延期']);
    expect([choiceName(decision, true), choiceName(decision, false), choiceName(decision, 'yes')]).toEqual(['准予延期', '不予延期', null]);
    expect([formOf(VOCAB, 'issue_notice')[0].hint, formOf(VOCAB, 'request_extension')[0].hint]).toEqual(['不填则按等级默认', '']);
    expect(formOf(VOCAB, 'submit_plan')[0].choices).toEqual([]); // a vocabulary of before: no answers offered
  });

  it('names the hazard\'s fields, flags and documents, never by their codes', () => {
    expect(hazardField(VOCAB, 'regulator_reported_at').label).toBe('报告监管部门日期');
    expect(hazardField(VOCAB, 'funds').label).toBe('项目');
    expect(flagNames(VOCAB, { flags: ['listed', 'extension_pending', 'unknown'] })).toEqual(['挂牌督办', '延期待审批']);
    expect(flagNames(VOCAB, {})).toEqual([]);
    expect([documentName(VOCAB, 'listing_notice'), documentName(VOCAB, 'other'), documentName(null, 'listing_notice')])
      .toEqual(['重大事故隐患挂牌督办通知书', '文书', '文书']);
  });
});
