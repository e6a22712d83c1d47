import { describe, expect, it } from 'vitest';
import { answersBody, applies, modesFor, previewScore, problems, progress, startable, storable } from '../src/lib/checklist.js';

const check = (key, extra = {}) => ({ key, text: `item ${key}`, answer_type: 'pass_fail_na', max_score: 10,
  fail_requires: ['photo'], na_allowed: true, required: true, hazard: { category: 'fire', level: 'general' }, ...extra });

/** A small community patrol, shaped as the feed brings it (server/demo/checklists.py). */
const patrol = {
  id: 't1', state: 'published', kind: 'patrol', name: '社区消防安全巡查表', site_types: ['residential_compound'], sectors: [],
  pass_mark: 80,
  sections: [
    { key: 'exits', title: '消防通道', items: [check('lane'), check('stairs'),
      { key: 'hydrant', text: '消火栓压力', answer_type: 'number', unit: 'MPa', min: 0.1, max_score: 10, fail_requires: ['photo'], required: true }] },
    { key: 'power', title: '用电', items: [
      { key: 'wiring', text: '线路', answer_type: 'choice', fail_requires: ['photo'], required: true, options: [
        { key: 'ok', label: '线路规范', score: 10, fail: false }, { key: 'minor', label: '个别老化', score: 5, fail: false },
        { key: 'bad', label: '私拉乱接', score: 0, fail: true }] },
      check('shafts', { hazard: null, na_allowed: true })] },
    { key: 'premises', title: '场所', items: [check('three', { critical: 'section', fail_requires: ['note'] }),
      { key: 'remarks', text: '其他', answer_type: 'text', required: false }] },
  ],
};
const photo = { id: 'p1', bytes: new ArrayBuffer(2), type: 'image/jpeg', previewUrl: 'blob:x' };

const allPass = { lane: { value: 'pass' }, stairs: { value: 'pass' }, hydrant: { value: 0.2 }, wiring: { value: 'ok' },
  shafts: { value: 'pass' }, three: { value: 'pass' } };

describe('which checklists a site gets', () => {
  const compound = { id: 's1', type: 'residential_compound', enterprise: null };
  const market = { id: 's2', type: 'market', enterprise: { id: 'e1', name: '菜场' } };

  it('offers a checklist where the site is of its types, and an archived version nowhere', () => {
    expect(applies(patrol, compound)).toBe(true);
    expect(applies(patrol, market)).toBe(false);
    expect(applies({ ...patrol, state: 'archived' }, compound)).toBe(false);
    expect(applies({ ...patrol, site_types: [], sectors: [] }, market)).toBe(true);
  });

  it('leaves a sector checklist to the server where the phone does not know the enterprise sector', () => {
    const bySector = { ...patrol, site_types: [], sectors: ['market'] };
    expect(applies(bySector, market)).toBe(true);
    expect(applies(bySector, compound)).toBe(false);
    expect(applies(bySector, { ...market, enterprise: { ...market.enterprise, sector: 'commerce' } })).toBe(false);
  });

  it('starts a grid worker on routine patrol and an enterprise only on its self-checks', () => {
    expect(modesFor(new Set(['grid_worker']), patrol)).toEqual(['routine_patrol']);
    expect(modesFor(new Set(['grid_worker', 'expert']), patrol)).toEqual(['routine_patrol', 'expert']);
    expect(modesFor(new Set(['enterprise_user']), patrol)).toEqual([]);
    expect(modesFor(new Set(['enterprise_user']), { ...patrol, kind: 'self_check' })).toEqual(['self_check']);
    expect(modesFor(new Set(['station_officer']), { ...patrol, kind: 'assessment' })[0]).toBe('cross_assessment');
    const selfCheck = { ...patrol, id: 't2', kind: 'self_check', site_types: [] };
    expect(startable([patrol, selfCheck], compound, new Set(['enterprise_user'])).map((x) => x.template.id)).toEqual(['t2']);
  });
});

describe('running a checklist', () => {
  it('counts progress over the items that must be answered, by section', () => {
    const p = progress(patrol, { lane: { value: 'pass' }, hydrant: { value: 'na' }, remarks: { value: '无' } });
    expect([p.done, p.total]).toEqual([2, 6]);
    expect(p.sections.map((s) => `${s.done}/${s.total}`)).toEqual(['2/3', '0/2', '0/1']);
  });

  it('says what is missing before submitting: unanswered items and what a failing answer requires', () => {
    const answers = { ...allPass, lane: { value: 'fail' }, three: { value: 'fail', note: ' ' }, hydrant: { value: 0.05, photos: [photo] } };
    delete answers.stairs;
    expect(problems(patrol, answers)).toEqual({ lane: ['photo'], stairs: ['unanswered'], three: ['note'] });
    expect(problems(patrol, allPass)).toEqual({});
  });

  it('sends each answer as the server takes it, the hazard toggle only on failing answers', () => {
    const answers = { ...allPass, lane: { value: 'fail', photos: [photo], note: ' 堵了 ' },
      stairs: { value: 'fail', photos: [photo], raise_hazard: false }, remarks: { value: '' } };
    const body = answersBody(patrol, answers);
    expect(body.map((a) => a.item)).toEqual(['lane', 'stairs', 'hydrant', 'wiring', 'shafts', 'three']);
    expect(body[0]).toEqual({ item: 'lane', value: 'fail', note: '堵了', photo_ids: ['p1'], raise_hazard: true });
    expect(body[1].raise_hazard).toBe(false);
    expect(body[2]).toMatchObject({ value: 0.2, raise_hazard: null });
  });

  it('keeps photos bytes in a stored draft, not their page-bound URLs', () => {
    const kept = storable({ id: 'd1', answers: { lane: { value: 'fail', photos: [photo] } } });
    expect(kept.answers.lane.photos[0]).toEqual({ id: 'p1', bytes: photo.bytes, type: 'image/jpeg' });
  });
});

describe('the score preview', () => {
  it('scores all passed at full marks, and leaves N/A out of points and maximum', () => {
    expect(previewScore(patrol, allPass)).toMatchObject({ points: 60, max: 60, percentage: 100, passed: true, provisional: true });
    const na = previewScore(patrol, { ...allPass, shafts: { value: 'na' }, wiring: { value: 'minor' } });
    expect(na).toMatchObject({ points: 45, max: 50, percentage: 90, passed: true });
    expect(na.sections[1]).toMatchObject({ points: 5, max: 10 });
  });

  it('fails below the pass mark, and a failing critical item zeroes its section and fails the whole', () => {
    const two = previewScore(patrol, { ...allPass, lane: { value: 'fail' }, hydrant: { value: 0.05 } });
    expect(two).toMatchObject({ points: 40, max: 60, percentage: 66.7, passed: false });
    const critical = previewScore(patrol, { ...allPass, three: { value: 'fail' } });
    expect(critical.sections[2]).toMatchObject({ points: 0, max: 10, critical_failed: true });
    expect(critical).toMatchObject({ points: 50, percentage: 83.3, passed: false });
    expect(critical.whole_failed).toBe(false);
    expect(previewScore({ ...patrol, sections: patrol.sections.map((s) => ({ ...s, items: s.items.map((i) => (i.key === 'three' ? { ...i, critical: 'whole' } : i)) })) },
      { ...allPass, three: { value: 'fail' } })).toMatchObject({ points: 0, passed: false, whole_failed: true });
  });

  it('has no percentage when nothing scored applied', () => {
    const allNa = Object.fromEntries(Object.keys(allPass).map((k) => [k, { value: 'na' }]));
    expect(previewScore(patrol, allNa)).toMatchObject({ points: 0, max: 0, percentage: null, passed: null });
  });
});
