import { describe, expect, it } from 'vitest';
import { answerOutcomes, changedItems, correctable, correctionBody, correctionPhotos, correctionProblem, draftAnswers,
  refusalOf, revisionRows, updatedSummary } from '../src/lib/correction.js';
import { previewScore } from '../src/lib/checklist.js';
import { countRecords } from '../src/lib/records.js';
import { getDB } from '../src/lib/db.js';
import { applySent } from '../src/lib/sent.js';

const check = (key, extra = {}) => ({ key, text: `item ${key}`, answer_type: 'pass_fail_na', max_score: 10,
  fail_requires: ['photo'], na_allowed: true, required: true, hazard: { category: 'fire', level: 'general' }, ...extra });
const patrol = { id: 't1', name: '社区消防安全巡查表', pass_mark: 80, sections: [
  { key: 'exits', title: '消防通道', items: [check('lane'), check('stairs'),
    { key: 'hydrant', text: '消火栓压力', answer_type: 'number', unit: 'MPa', min: 0.1, max_score: 10, required: true }] },
  { key: 'other', title: '其他', items: [{ key: 'board', text: '公示照片', answer_type: 'photo', required: false },
    { key: 'remarks', text: '备注', answer_type: 'text', required: false }] },
] };
// Revision 1 as the server keeps it (services._answer): the lane failed with its photo, a hazard raised.
const stored = [
  { item: 'lane', value: 'fail', note: '通道堆物', photo_ids: ['p1'], raise_hazard: true, hazard_level: null },
  { item: 'stairs', value: 'pass', note: '', photo_ids: [], raise_hazard: null, hazard_level: null },
  { item: 'hydrant', value: 0.25, note: '', photo_ids: [], raise_hazard: null, hazard_level: null },
  { item: 'board', value: null, note: '', photo_ids: ['p2'], raise_hazard: null, hazard_level: null },
];
const me = 'u-grid';
const view = { id: 'i1', revision: 1, inspectors: [{ user_id: me, name: '李网格', role: 'lead' },
  { user_id: 'u-station', name: '王站长', role: 'co' }] };

const draftOf = (answers, reason = '') => ({ id: 'c1', basedOn: 1, template: patrol, base: draftAnswers(patrol, stored), answers, reason });

describe('who may correct an inspection', () => {
  it('is one of its inspectors, lead or co-inspector, and no one else (the enterprise, a station reading it)', () => {
    expect(correctable(me, view)).toBe(true);
    expect(correctable('u-station', view)).toBe(true);
    expect(correctable('u-enterprise', view)).toBe(false);
    expect(correctable(null, view)).toBe(false);
    expect(correctable(me, { ...view, revision: undefined })).toBe(false); // the server has not answered yet
  });
});

describe('a correction begins from the current revision', () => {
  it('opens the stored answers in the checklist, photos by id as on the server, nothing re-sent', () => {
    const answers = draftAnswers(patrol, stored);
    expect(answers.lane).toEqual({ value: 'fail', note: '通道堆物', photos: [{ id: 'p1', onServer: true }], raise_hazard: true });
    expect(answers.board).toEqual({ value: undefined, note: '', photos: [{ id: 'p2', onServer: true }] });
    expect(answers.remarks).toBeUndefined();
    // the revision's score, previewed again from the answers opened, is what the server gave it
    expect(previewScore(patrol, answers)).toMatchObject({ points: 20, max: 30, percentage: 66.7, passed: false });
    expect(correctionPhotos({ answers })).toEqual([]);
  });

  it('sends the same answers the server stored when nothing was changed, and so finds no change', () => {
    const draft = draftOf(draftAnswers(patrol, stored), '复核');
    expect(changedItems(patrol, draft.base, draft.answers)).toEqual([]);
    expect(correctionProblem(draft)).toBe('unchanged');
    expect(correctionBody(draft).answers).toEqual(stored.map(({ hazard_level, ...a }) => a)); // eslint-disable-line no-unused-vars
  });
});

describe('a correction made', () => {
  const fixed = { ...draftAnswers(patrol, stored), lane: { value: 'pass', note: '', photos: [], raise_hazard: true } };

  it('names what changed and needs a reason', () => {
    expect(changedItems(patrol, draftOf(fixed).base, fixed).map((i) => i.key)).toEqual(['lane']);
    expect(correctionProblem(draftOf(fixed))).toBe('reason');
    expect(correctionProblem(draftOf(fixed, '   '))).toBe('reason');
    expect(correctionProblem(draftOf(fixed, '复核已整改'))).toBeNull();
  });

  it('is sent with its id, the revision it corrects and the reason; a passing item raises no hazard', () => {
    const body = correctionBody(draftOf(fixed, ' 复核已整改 '));
    expect(body).toMatchObject({ id: 'c1', based_on: 1, reason: '复核已整改' });
    expect(body.answers[0]).toEqual({ item: 'lane', value: 'pass', note: '', photo_ids: [], raise_hazard: null });
    expect(previewScore(patrol, fixed)).toMatchObject({ points: 30, max: 30, passed: true });
  });

  it('sends only the photos taken for it, and counts as one record with them', () => {
    const taken = { id: 'p3', bytes: new ArrayBuffer(2), type: 'image/jpeg' };
    const answers = { ...draftAnswers(patrol, stored), stairs: { value: 'fail', photos: [taken], note: '' } };
    expect(correctionPhotos({ answers }).map((p) => p.id)).toEqual(['p3']);
    const body = correctionBody(draftOf(answers, '补拍'));
    const items = [{ id: 'p3', kind: 'photo', status: 'queued' }, { id: 'c1', kind: 'correction', status: 'queued', json: body }];
    expect(countRecords(items)).toMatchObject({ queued: 1, total: 1 });
  });

  it('shows a revision read-only, item by item, in words\' codes', () => {
    expect(answerOutcomes(patrol, stored).map((x) => [x.item.key, x.outcome]))
      .toEqual([['lane', 'fail'], ['stairs', 'pass'], ['hydrant', 'pass'], ['board', 'recorded'], ['remarks', 'unanswered']]);
  });
});

describe('the server\'s answer', () => {
  it('reads a stale base (412) as corrected by someone else since, with the revision it is now', () => {
    expect(refusalOf({ status: 412, code: 'precondition_failed', errors: { current: { revision: 3 } } }))
      .toEqual({ kind: 'stale', current: 3 });
    expect(refusalOf({ status: 409, code: 'id_conflict' })).toEqual({ kind: 'taken' });
    expect(refusalOf({ status: 403, message: '只有检查人员可以更正检查记录' })).toEqual({ kind: 'refused', message: '只有检查人员可以更正检查记录' });
  });

  it('lists the revisions newest first, each by its author\'s name, with its reason and score', () => {
    const rows = revisionRows([
      { number: 1, reason: '', author_id: me, created_at: '2026-12-04T06:00:00Z', answers: stored, score: { points: 20, max: 30, percentage: 66.7, passed: false } },
      { number: 2, reason: '复核已整改', author_id: 'u-station', created_at: '2026-12-04T07:00:00Z', answers: [], score: { points: 30, max: 30, percentage: 100, passed: true } },
    ], view.inspectors);
    expect(rows.map((r) => [r.number, r.author, r.reason, r.score.points])).toEqual([[2, '王站长', '复核已整改', 30], [1, '李网格', '', 20]]);
  });

  it('replaces the kept inspection and the feed summary with the new revision, and the correction leaves the phone', async () => {
    const db = await getDB();
    await db.put('inspections', { id: 'i1', status: 'sent', answers: {}, server: { id: 'i1', revision: 1, points: 20 } });
    await db.put('takenPart', { id: 'i1', revision: 1, points: 20, template_name: '巡查', finished_at: '2026-12-04T06:00:00Z' });
    await db.put('corrections', { id: 'c1', inspectionId: 'i1', status: 'queued' });
    const body = { id: 'i1', revision: 2, points: 30, max_points: 30, percentage: 100, passed: true, hazards: [], answers: [] };
    await applySent({ id: 'c1', kind: 'correction' }, body, { status: 201, headers: new Headers() });
    expect((await db.get('inspections', 'i1')).server).toEqual(body);
    expect(await db.get('takenPart', 'i1')).toMatchObject({ revision: 2, points: 30, passed: true, template_name: '巡查' });
    expect(await db.get('corrections', 'c1')).toBeUndefined();
    // a replay's older answer (200) never takes a newer revision back
    await applySent({ id: 'c0', kind: 'correction' }, { ...body, revision: 1, points: 20 }, { status: 200, headers: new Headers() });
    expect((await db.get('inspections', 'i1')).server.revision).toBe(2);
    expect(updatedSummary({ id: 'i1', revision: 2 }, { revision: 3, points: 1, answers: [] })).toEqual({ id: 'i1', revision: 3, points: 1 });
  });
});
