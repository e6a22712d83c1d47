/**
 * Running a checklist (检查表) on the phone: which apply to a site, in which mode, the progress, what a failing
 * answer still needs, the body sent to the server, and a score preview (预估). The server scores on its own
 * (server/inspections/scoring.py); this preview follows the same rules so that it rarely differs, and is
 * always shown as provisional until the server's answer replaces it.
 */

export const NA = 'na';
const SCORED = new Set(['pass_fail_na', 'choice', 'number']);

export const itemsOf = (template) => (template?.sections || []).flatMap((s) => s.items);

/**
 * Whether a checklist version starts an inspection at a site: published, and either for any site or for the
 * site's type or its enterprise's sector (the feed's site carries `enterprise.sector`), as the server decides
 * (template_not_applicable). A site kept from before the feed carried the sector has none: a sector checklist is
 * then offered at an enterprise's site, and the server has the last word.
 */
export function applies(template, site) {
  if (template.state !== 'published' || !site) return false;
  const types = template.site_types || [];
  const sectors = template.sectors || [];
  if (!types.length && !sectors.length) return true;
  if (types.includes(site.type)) return true;
  if (!sectors.length || !site.enterprise) return false;
  const sector = site.enterprise.sector ?? site.sector;
  return sector ? sectors.includes(sector) : true;
}

// The modes each role inspects in: a grid worker patrols, an expert joins as one, officers inspect every other way.
const OFFICER_MODES = ['unannounced', 'double_random', 'cross_assessment', 'routine_patrol'];
const ROLE_MODES = { grid_worker: ['routine_patrol'], expert: ['expert'], station_officer: OFFICER_MODES,
  department_officer: OFFICER_MODES, enforcement_officer: OFFICER_MODES, supervisor: OFFICER_MODES, admin: OFFICER_MODES };
// The mode a checklist's kind is usually run in, put first where the user has it.
const USUAL = { patrol: 'routine_patrol', assessment: 'cross_assessment', self_check: 'self_check', enforcement: 'unannounced' };

/**
 * The modes a user may run a checklist in, the usual one for its kind first: an enterprise's users run only
 * self-checks (企业自查), and only on self-check checklists.
 */
export function modesFor(roles, template) {
  const modes = new Set([...roles].flatMap((role) => ROLE_MODES[role] || []));
  if (roles.has('enterprise_user') && template.kind === 'self_check') modes.add('self_check');
  const usual = USUAL[template.kind];
  return [...modes].sort((a, b) => (b === usual) - (a === usual));
}

// Whom an inspector may name as co-inspectors (协同检查人), by their own role: a grid worker patrols with their
// street's station or a fellow grid worker; the offices with one another. Experts (专家) are invited apart.
const OFFICES = ['station_officer', 'enforcement_officer', 'department_officer'];
const CO_ROLES = { grid_worker: ['grid_worker', 'station_officer'], station_officer: ['station_officer', 'grid_worker', 'enforcement_officer'],
  enforcement_officer: OFFICES, department_officer: OFFICES, supervisor: OFFICES, admin: OFFICES, expert: OFFICES };

/** The roles (GET /colleagues?role=…) of the colleagues a user may name as co-inspectors, or none (an enterprise). */
export function coInspectorRoles(roles) {
  return [...new Set([...roles].flatMap((role) => CO_ROLES[role] || []))].sort();
}

/** The checklists a user may start at a site, each with its modes (the default first), by name. */
export function startable(templates, site, roles) {
  return templates.filter((tpl) => applies(tpl, site))
    .map((template) => ({ template, modes: modesFor(roles, template) }))
    .filter((x) => x.modes.length)
    .sort((a, b) => a.template.name.localeCompare(b.template.name, 'zh-CN'));
}

/** An answer as given: a value (pass, fail, na, an option's key, a number, text) or, for a photo item, photos. */
export function isAnswered(item, answer) {
  if (!answer) return false;
  if (item.answer_type === 'photo') return answer.value === NA || (answer.photos || []).length > 0;
  if (item.answer_type === 'text') return answer.value === NA || String(answer.value ?? '').trim() !== '';
  if (item.answer_type === 'number') return answer.value === NA || Number.isFinite(answer.value);
  return answer.value != null && answer.value !== '';
}

/** pass, fail, na, recorded or unanswered, as the server says it (scoring.outcome). */
export function outcome(item, answer) {
  if (!isAnswered(item, answer)) return 'unanswered';
  const { value } = answer;
  if (item.answer_type === 'text' || item.answer_type === 'photo') return value === NA ? NA : 'recorded';
  if (value === NA) return NA;
  if (item.answer_type === 'pass_fail_na') return value;
  if (item.answer_type === 'choice') return optionOf(item, value)?.fail ? 'fail' : 'pass';
  const inside = (item.min == null || value >= item.min) && (item.max == null || value <= item.max);
  return inside ? 'pass' : 'fail';
}

const optionOf = (item, key) => (item.options || []).find((o) => o.key === key);

/** What an item is worth: its max_score, or for a choice its best option's score. */
export function itemMax(item) {
  if (!SCORED.has(item.answer_type)) return 0;
  if (item.answer_type === 'choice') return Math.max(...item.options.map((o) => o.score));
  return Number(item.max_score || 0);
}

function itemPoints(item, answer) {
  const result = outcome(item, answer);
  if (!SCORED.has(item.answer_type) || !['pass', 'fail'].includes(result)) return null;
  if (item.answer_type === 'choice') return optionOf(item, answer.value).score;
  return result === 'pass' ? itemMax(item) : 0;
}

/** What a failing answer still lacks of what its item requires: ['photo', 'note'] or fewer. */
export function missing(item, answer) {
  if (outcome(item, answer) !== 'fail') return [];
  const needs = item.fail_requires || [];
  return needs.filter((need) => (need === 'photo' ? !(answer.photos || []).length : !String(answer.note || '').trim()));
}

/** The checklist's progress: the items answered of those that must be, in all and by section. */
export function progress(template, answers) {
  const sections = (template?.sections || []).map((section) => {
    const required = section.items.filter((i) => i.required !== false);
    return { key: section.key, done: required.filter((i) => isAnswered(i, answers[i.key])).length, total: required.length };
  });
  const sum = (k) => sections.reduce((n, s) => n + s[k], 0);
  return { done: sum('done'), total: sum('total'), sections };
}

/** Item by item, why the inspection cannot be submitted yet: {key: ['unanswered'] | ['photo', 'note']}. */
export function problems(template, answers) {
  const found = {};
  for (const item of itemsOf(template)) {
    const answer = answers[item.key];
    if (!isAnswered(item, answer)) {
      if (item.required !== false) found[item.key] = ['unanswered'];
      continue;
    }
    const lacks = missing(item, answer);
    if (lacks.length) found[item.key] = lacks;
  }
  return found;
}

/** Whether a failing answer makes a hazard: the inspector's choice, else the item's proposal. */
export const raisesHazard = (item, answer) => answer?.raise_hazard ?? !!item.hazard;

/** The answers as POST /inspections takes them (unanswered optional items left out); photos by id. */
export function answersBody(template, answers) {
  return itemsOf(template).filter((item) => isAnswered(item, answers[item.key])).map((item) => {
    const answer = answers[item.key];
    const failing = outcome(item, answer) === 'fail';
    return {
      item: item.key,
      value: item.answer_type === 'photo' && answer.value !== NA ? null : answer.value,
      note: String(answer.note || '').trim(),
      photo_ids: (answer.photos || []).map((p) => p.id),
      raise_hazard: failing ? raisesHazard(item, answer) : null,
    };
  });
}

const round = (n) => Math.round(n * 100) / 100;
const percent = (got, of) => (of === 0 ? null : Math.round((1000 * got) / of) / 10);

/**
 * The score the server will compute (scoring.score), for the preview: sections' subtotals, total, percentage,
 * passed; a failing critical item zeroes its section (critical: section) or the whole (critical: whole).
 */
export function previewScore(template, answers) {
  let whole = false;
  let critical = false;
  const sections = (template?.sections || []).map((section) => {
    let got = 0;
    let max = 0;
    let zeroed = false;
    for (const item of section.items) {
      const points = itemPoints(item, answers[item.key]);
      if (points != null) { got += points; max += itemMax(item); }
      if (outcome(item, answers[item.key]) === 'fail' && item.critical) {
        critical = true;
        if (item.critical === 'section') zeroed = true;
        else whole = true;
      }
    }
    const earned = zeroed ? 0 : got;
    return { key: section.key, title: section.title, points: round(earned), max: round(max), critical_failed: zeroed };
  });
  const max = round(sections.reduce((n, s) => n + s.max, 0));
  const points = whole ? 0 : round(sections.reduce((n, s) => n + s.points, 0));
  const percentage = percent(points, max);
  const passMark = template?.pass_mark ?? null;
  let passed = null;
  if (critical) passed = false;
  else if (percentage != null) passed = passMark == null || percentage >= passMark;
  return { sections, points, max, percentage, passed, pass_mark: passMark, whole_failed: whole, provisional: true };
}

/** The server's score of an inspection in the preview's shape (its sections, total, percentage, passed). */
export function serverScore(inspection) {
  const score = inspection.score || {};
  return { sections: (score.sections || []).map(({ key, title, points, max, critical_failed }) => ({ key, title, points, max, critical_failed })),
    points: inspection.points ?? score.points, max: inspection.max_points ?? score.max,
    percentage: inspection.percentage ?? score.percentage ?? null, passed: inspection.passed ?? score.passed ?? null,
    pass_mark: score.pass_mark ?? null, whole_failed: !!score.whole_failed, provisional: false };
}

// ---- the people: co-inspectors, experts, the inspected party's acknowledgement ----

/** The people named on a draft ({id, name, roles, as: 'co' | 'expert'}) as POST /inspections takes them. */
export function teamBody(team = []) {
  const ids = (as) => team.filter((p) => p.as === as).map((p) => p.id);
  return { co_inspector_ids: ids('co'), expert_ids: ids('expert') };
}

/** Add a person to the team (once: a co-inspector picked again as an expert becomes the expert), or drop one. */
export function withMember(team = [], person, as) {
  return [...team.filter((p) => p.id !== person.id), { id: person.id, name: person.name, roles: person.roles || [], as }];
}
export const withoutMember = (team = [], id) => team.filter((p) => p.id !== id);

/**
 * 被检查单位确认, optional: nothing, or both the party's name and the signature drawn. What is missing of one begun:
 * 'signature' (a name without one), 'name' (a signature without a name), or null.
 */
export function acknowledgementProblem(ack) {
  const name = String(ack?.name || '').trim();
  const signed = !!ack?.signature;
  if (name && !signed) return 'signature';
  if (signed && !name) return 'name';
  return null;
}

/** The acknowledgement as the API takes it ({name, signature_photo_id}), or null when not given. */
export function acknowledgementBody(ack) {
  const name = String(ack?.name || '').trim();
  return name && ack?.signature ? { name, signature_photo_id: ack.signature.id } : null;
}

/** Every photo a draft will send: its answers' and the signature (a PNG, sent as a photo is). */
export function draftPhotos(draft) {
  const photos = Object.values(draft.answers || {}).flatMap((a) => a.photos || []);
  return acknowledgementBody(draft.acknowledgement) ? [...photos, draft.acknowledgement.signature] : photos;
}

/**
 * The inspections to list as 我的检查: those the feed brought (the user took part in them) and those submitted on
 * this phone that it has not brought yet (still queued, or sent since the last pull), newest first, each once.
 */
export function myInspections(takenPart = [], local = []) {
  const fromFeed = new Set(takenPart.map((i) => i.id));
  const own = local.filter((i) => i.status !== 'draft' && !fromFeed.has(i.id)).map((i) => ({ id: i.id,
    template_name: i.template.name, site_id: i.siteId, site_name: i.siteName, mode: i.mode, finished_at: i.finishedAt,
    local: i }));
  const when = (i) => Date.parse(i.finished_at) || 0;
  return [...takenPart, ...own].sort((a, b) => when(b) - when(a));
}

const withoutUrl = (photo) => {
  const kept = { ...photo };
  delete kept.previewUrl;
  return kept;
};

/** A draft as kept: no object URLs (they die with the page), the photos' bytes kept to be sent (the signature's too). */
export const storable = (draft) => ({
  ...draft,
  answers: Object.fromEntries(Object.entries(draft.answers).map(([key, answer]) => [key,
    { ...answer, photos: (answer.photos || []).map(withoutUrl) }])),
  ...(draft.acknowledgement?.signature
    ? { acknowledgement: { ...draft.acknowledgement, signature: withoutUrl(draft.acknowledgement.signature) } } : {}),
});
