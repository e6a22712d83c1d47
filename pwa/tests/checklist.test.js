import { describe, expect, it } from 'vitest';
import { acknowledgementBody, acknowledgementProblem, answersBody, applies, coInspectorRoles, draftPhotos, modesFor,
  myInspections, previewScore, problems, progress, startable, storable, teamBody, withMember, withoutMember } from '../src/lib/checklist.js';

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

  it('offers a checklist for sectors only at any site whose enterprise is of one, whatever the site type', () => {
    const markets = { ...patrol, site_types: [], sectors: ['market', 'commerce'] };
    const warehouse = { id: 's3', type: 'warehouse', enterprise: { id: 'e2', name: '菜场仓库', sector: 'market' } };
    const fuel = { ...warehouse, enterprise: { ...warehouse.enterprise, sector: 'fuel_retail' } };
    expect(applies(markets, warehouse)).toBe(true);
    expect(applies(markets, fuel)).toBe(false);
    expect(applies(markets, { ...warehouse, enterprise: null })).toBe(false); // a public place has no sector
    // types and sectors both: either one is enough, as the server decides
    const both = { ...patrol, sectors: ['market'] };
    expect([applies(both, compound), applies(both, warehouse), applies(both, fuel)]).toEqual([true, true, false]);
    const withSector = (sector) => ({ ...market, enterprise: { ...market.enterprise, sector } });
    expect(startable([markets, patrol], withSector('commerce'), new Set(['department_officer'])).map((x) => x.template.id))
      .toEqual(['t1']);
    expect(startable([markets], withSector('chemicals'), new Set(['department_officer']))).toEqual([]);
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

describe('the people of an inspection', () => {
  const station = { id: 'u1', name: '王站长', roles: ['station_officer'], certificate_no: null };
  const expert = { id: 'u2', name: '李专家', roles: ['expert'] };

  it('asks a grid worker\'s station and fellow grid workers as co-inspectors, and none of an enterprise', () => {
    expect(coInspectorRoles(new Set(['grid_worker']))).toEqual(['grid_worker', 'station_officer']);
    expect(coInspectorRoles(new Set(['enforcement_officer']))).toEqual(['department_officer', 'enforcement_officer', 'station_officer']);
    expect(coInspectorRoles(new Set(['enterprise_user']))).toEqual([]);
  });

  it('names each person once, in the part last chosen, and sends them by id', () => {
    let team = withMember([], station, 'co');
    team = withMember(team, expert, 'co');
    team = withMember(team, expert, 'expert'); // picked again as the expert: not twice
    expect(teamBody(team)).toEqual({ co_inspector_ids: ['u1'], expert_ids: ['u2'] });
    expect(teamBody(withoutMember(team, 'u1'))).toEqual({ co_inspector_ids: [], expert_ids: ['u2'] });
    expect(teamBody(undefined)).toEqual({ co_inspector_ids: [], expert_ids: [] });
  });

  it('sends an acknowledgement only with both the name and the signature, and says which is missing', () => {
    const signature = { id: 'sig1', bytes: new ArrayBuffer(4), type: 'image/png', previewUrl: 'blob:s' };
    expect(acknowledgementProblem(undefined)).toBe(null);
    expect(acknowledgementProblem({ name: '  ', strokes: [], signature: null })).toBe(null);
    expect(acknowledgementProblem({ name: '张经理', signature: null })).toBe('signature');
    expect(acknowledgementProblem({ name: '', signature })).toBe('name');
    expect(acknowledgementBody({ name: ' 张经理 ', signature })).toEqual({ name: '张经理', signature_photo_id: 'sig1' });
    expect(acknowledgementBody({ name: '张经理', signature: null })).toBe(null);
    const draft = { answers: { lane: { value: 'fail', photos: [photo] } }, acknowledgement: { name: '张经理', strokes: [[[0, 0]]], signature } };
    expect(draftPhotos(draft).map((p) => p.id)).toEqual(['p1', 'sig1']); // the signature travels as a photo
    expect(draftPhotos({ ...draft, acknowledgement: { name: '', signature } }).map((p) => p.id)).toEqual(['p1']);
    const kept = storable(draft);
    expect(kept.acknowledgement.signature.previewUrl).toBeUndefined();
    expect(kept.acknowledgement.signature.bytes.byteLength).toBe(4);
    expect(kept.acknowledgement.strokes).toEqual([[[0, 0]]]);
  });

  it('lists the feed\'s inspections with those submitted here and not brought yet, newest first, each once', () => {
    const fromFeed = [{ id: 'i1', template_name: '巡查表', finished_at: '2026-12-01T02:00:00+00:00' }];
    const local = [
      { id: 'i1', status: 'sent', template: { name: '巡查表' }, finishedAt: '2026-12-01T10:00:00+08:00' },
      { id: 'i2', status: 'queued', template: { name: '巡查表' }, siteId: 's1', siteName: '小区', mode: 'routine_patrol',
        finishedAt: '2026-12-02T09:00:00+08:00' },
      { id: 'i3', status: 'draft', template: { name: '巡查表' }, finishedAt: null },
    ];
    const listed = myInspections(fromFeed, local);
    expect(listed.map((i) => i.id)).toEqual(['i2', 'i1']);
    expect(listed[0]).toMatchObject({ site_name: '小区', local: local[1] });
    expect(listed[1].local).toBeUndefined(); // the feed's copy, as the server has it
  });
});
