/**
 * 双随机抽查 for the supervisor (`#/draws`, `#/draws/new`, `#/draws/<id>`), online only: the draws of their areas;
 * a new one (the matter, the register of targets filtered by area, site type and risk, the share or number drawn,
 * inspectors per target, the checklist, and the seed: made by the server, or kept by the supervisor, who sends only
 * its SHA-256 now and reveals it at the draw); drawing it (its targets with their inspectors, the recused shown);
 * publishing it (公示), with the links to the public page and its verification. The server's rules: docs/draws.md.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatDate, formatTime, t } from '../i18n/index.js';
import { call, get } from '../lib/api.js';
import { uuid } from '../lib/ids.js';
import { refusal } from '../lib/refusal.js';
import { newSeed, sha256Hex, shareOf, thisMonth } from '../lib/draws.js';
import { state } from '../store.js';
import { vocabName } from './parts.js';

const terms = (table) => state.vocab?.[table] || [];
const drawStateName = (code) => vocabName('draw_states', code, t(`drawState_${code}`));
// a seed the supervisor keeps, on this phone only until the draw (then it is published with the draw)
const SEED_KEY = (id) => `safegrid.drawSeed.${id}`;

function Offline() {
  return html`<p class="notice warn" role="status">${t('drawsOffline')}</p>`;
}

function Problem({ text }) {
  return text ? html`<p class="error" role="alert" data-testid="draw-problem">${text}</p>` : null;
}

// ---- the list ----

export function Draws() {
  const [found, setFound] = useState({ draws: null, error: null });
  useEffect(() => {
    if (!state.online) return;
    get('draws?page_size=50').then((draws) => setFound({ draws, error: null })).catch((error) => setFound({ draws: null, error }));
  }, [state.online]);
  return html`<main id="main" class="draws">
    <h1 tabindex="-1">${t('drawsTitle')}</h1>
    <p class="muted small">${t('drawsIntro')}</p>
    ${!state.online && html`<${Offline} />`}
    <p><a class="button primary wide" href="#/draws/new" data-testid="draw-new">${t('drawNew')}</a></p>
    <p><a href="/public/draws" target="_blank" rel="noopener">${t('drawsPublicList')}</a></p>
    ${found.error && html`<${Problem} text=${found.error.message} />`}
    ${found.draws && (found.draws.length ? html`<ul class="list" data-testid="draws">${found.draws.map((d) => html`
      <li key=${d.id} class="row"><a href=${`#/draws/${d.id}`}>
        <span class="row-title">${d.matter}</span>
        <span class="row-meta small"><span class="badge">${drawStateName(d.state)}</span> ${d.area}
          · ${formatDate(d.period_start)}–${formatDate(d.period_end)}${d.drawn ? ` · ${t('drawDrawnCount', { n: d.drawn })}` : ''}</span>
      </a></li>`)}</ul>` : html`<p class="muted">${t('drawsNone')}</p>`)}
  </main>`;
}

// ---- a new draw ----

/** The areas a draw may cover: the district and its streets, as the server lists them in the reader's scope. */
function useAreas() {
  const [areas, setAreas] = useState([]);
  useEffect(() => {
    if (!state.online) return;
    Promise.all([get('areas?level=district&page_size=10'), get('areas?level=street&page_size=100')])
      .then(([districts, streets]) => setAreas([...districts, ...streets])).catch(() => {});
  }, [state.online]);
  return areas;
}

/** Published checklists the phone holds, one a family (the newest version's name). */
function checklists() {
  const families = new Map();
  for (const tpl of state.templates.filter((x) => x.state !== 'archived')) {
    const had = families.get(tpl.family_id);
    if (!had || (tpl.number ?? 0) > (had.number ?? 0)) families.set(tpl.family_id, tpl);
  }
  return [...families.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

function Checks({ legend, table, chosen, set }) {
  const toggle = (code) => set(chosen.includes(code) ? chosen.filter((c) => c !== code) : [...chosen, code]);
  return html`<fieldset class="draw-checks"><legend>${legend}</legend>
    <p class="muted small">${t('drawNoneMeansAll')}</p>
    ${terms(table).map((term) => html`<label key=${term.code} class="check">
      <input type="checkbox" checked=${chosen.includes(term.code)} onChange=${() => toggle(term.code)} />
      ${vocabName(table, term.code, term.code)}</label>`)}
  </fieldset>`;
}

function FieldError({ errors, name }) {
  return errors[name] ? html`<p class="error" data-testid=${`error-${name}`}>${errors[name]}</p>` : null;
}

export function NewDraw() {
  const areas = useAreas();
  const [first, last] = thisMonth();
  const [form, setForm] = useState({ id: uuid(), matter: '', area_id: '', site_types: [], risk_levels: [],
    department_sector: '', by: 'share', percent: '10', count: '5', per_target: '2', template_family_id: '',
    period_start: first, period_end: last, seedBy: 'server', public_value_source: '' });
  const [seed, setSeed] = useState(null);
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const area = form.area_id || areas[0]?.id || '';
  const canHash = !!globalThis.crypto?.subtle;
  useEffect(() => { if (form.seedBy === 'mine' && !seed) setSeed(newSeed()); }, [form.seedBy]);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    const body = { id: form.id, matter: form.matter.trim(), area_id: Number(area), site_types: form.site_types,
      risk_levels: form.risk_levels, per_target: Number(form.per_target), period_start: form.period_start,
      period_end: form.period_end };
    if (form.by === 'share') body.share = shareOf(form.percent); else body.count = Number(form.count);
    if (form.department_sector) body.department_sector = form.department_sector;
    if (form.template_family_id) body.template_family_id = form.template_family_id;
    if (form.public_value_source.trim()) body.public_value_source = form.public_value_source.trim();
    try {
      if (form.seedBy === 'mine') {
        body.seed_commitment = await sha256Hex(seed);
        localStorage.setItem(SEED_KEY(form.id), seed);
      }
      await call('draws', { method: 'POST', json: body });
      location.hash = `#/draws/${form.id}`;
    } catch (error) {
      const found = refusal(error, ['matter', 'area_id', 'share', 'count', 'per_target', 'period_end', 'template_family_id']);
      setErrors(error.status === 0 ? { '': t('drawsOffline') } : found);
      if (error.code === 'id_conflict') setForm({ ...form, id: uuid() });
    } finally {
      setBusy(false);
    }
  }

  return html`<main id="main" class="draws">
    <p class="back"><a href="#/draws">${t('drawsBack')}</a></p>
    <h1 tabindex="-1">${t('drawNewTitle')}</h1>
    ${!state.online && html`<${Offline} />`}
    <form class="draw-form" onSubmit=${submit} novalidate>
      <div class="field"><label for="draw-matter">${t('drawMatter')}</label>
        <input id="draw-matter" required maxlength="500" value=${form.matter} onInput=${set('matter')}
          placeholder=${t('drawMatterHint')} />
        <${FieldError} errors=${errors} name="matter" /></div>
      <h2>${t('drawTargets')}</h2>
      <div class="field"><label for="draw-area">${t('drawArea')}</label>
        <select id="draw-area" value=${area} onChange=${set('area_id')}>
          ${areas.map((a) => html`<option key=${a.id} value=${a.id}>${a.name}</option>`)}
        </select><${FieldError} errors=${errors} name="area_id" /></div>
      <${Checks} legend=${t('drawSiteTypes')} table="site_types" chosen=${form.site_types}
        set=${(v) => setForm({ ...form, site_types: v })} />
      <${Checks} legend=${t('drawRiskLevels')} table="risk_levels" chosen=${form.risk_levels}
        set=${(v) => setForm({ ...form, risk_levels: v })} />
      <fieldset><legend>${t('drawHowMany')}</legend>
        <label class="check"><input type="radio" name="draw-by" checked=${form.by === 'share'}
          onChange=${() => setForm({ ...form, by: 'share' })} /> ${t('drawByShare')}</label>
        <label class="check"><input type="radio" name="draw-by" checked=${form.by === 'count'}
          onChange=${() => setForm({ ...form, by: 'count' })} /> ${t('drawByCount')}</label>
        ${form.by === 'share'
    ? html`<div class="field"><label for="draw-percent">${t('drawPercent')}</label>
            <input id="draw-percent" type="number" min="0.01" max="100" step="0.01" inputmode="decimal"
              value=${form.percent} onInput=${set('percent')} /><${FieldError} errors=${errors} name="share" /></div>`
    : html`<div class="field"><label for="draw-count">${t('drawCount')}</label>
            <input id="draw-count" type="number" min="1" step="1" inputmode="numeric" value=${form.count}
              onInput=${set('count')} /><${FieldError} errors=${errors} name="count" /></div>`}
      </fieldset>
      <h2>${t('drawInspectors')}</h2>
      <div class="field"><label for="draw-per">${t('drawPerTarget')}</label>
        <input id="draw-per" type="number" min="1" max="5" step="1" inputmode="numeric" value=${form.per_target}
          onInput=${set('per_target')} /><${FieldError} errors=${errors} name="per_target" /></div>
      <div class="field"><label for="draw-sector">${t('drawSector')}</label>
        <select id="draw-sector" value=${form.department_sector} onChange=${set('department_sector')}>
          <option value="">${t('drawSectorNone')}</option>
          ${terms('sectors').map((s) => html`<option key=${s.code} value=${s.code}>${vocabName('sectors', s.code, s.code)}</option>`)}
        </select></div>
      <h2>${t('drawWork')}</h2>
      <div class="field"><label for="draw-template">${t('drawChecklist')}</label>
        <select id="draw-template" value=${form.template_family_id} onChange=${set('template_family_id')}>
          <option value="">${t('drawChecklistNone')}</option>
          ${checklists().map((c) => html`<option key=${c.family_id} value=${c.family_id}>${c.name}</option>`)}
        </select><p class="muted small">${t('drawChecklistHint')}</p>
        <${FieldError} errors=${errors} name="template_family_id" /></div>
      <div class="two-col">
        <div class="field"><label for="draw-start">${t('drawPeriodStart')}</label>
          <input id="draw-start" type="date" value=${form.period_start} onInput=${set('period_start')} /></div>
        <div class="field"><label for="draw-end">${t('drawPeriodEnd')}</label>
          <input id="draw-end" type="date" value=${form.period_end} onInput=${set('period_end')} /></div>
      </div>
      <${FieldError} errors=${errors} name="period_end" />
      <h2>${t('drawSeed')}</h2>
      <fieldset><legend class="visually-hidden">${t('drawSeed')}</legend>
        <label class="check"><input type="radio" name="draw-seed" checked=${form.seedBy === 'server'}
          onChange=${() => setForm({ ...form, seedBy: 'server' })} /> ${t('drawSeedServer')}</label>
        ${canHash && html`<label class="check"><input type="radio" name="draw-seed" checked=${form.seedBy === 'mine'}
          onChange=${() => setForm({ ...form, seedBy: 'mine' })} /> ${t('drawSeedMine')}</label>`}
      </fieldset>
      ${form.seedBy === 'mine' && seed && html`<div class="notice" data-testid="draw-seed">
        <p>${t('drawSeedKeep')}</p><p class="seed-text">${seed}</p></div>`}
      <div class="field"><label for="draw-public">${t('drawPublicSource')}</label>
        <input id="draw-public" maxlength="200" value=${form.public_value_source} onInput=${set('public_value_source')}
          placeholder=${t('drawPublicSourceHint')} /></div>
      <${Problem} text=${errors['']} />
      <p><button type="submit" class="primary wide" disabled=${busy || !state.online || !form.matter.trim() || !area}>
        ${t('drawCreate')}</button></p>
      <p class="muted small">${t('drawCreateHint')}</p>
    </form>
  </main>`;
}

// ---- one draw: drawing, publishing ----

function Hash({ label, value }) {
  return value ? html`<div class="hash"><span class="muted small">${label}</span> <code>${value}</code></div>` : null;
}

function Targets({ draw }) {
  if (!draw.targets?.length) return null;
  return html`<h2>${t('drawResult', { n: draw.drawn, of: draw.candidates })}</h2>
    <ol class="list draw-targets" data-testid="draw-targets">${draw.targets.map((x) => html`
      <li key=${x.position} class="row item" data-testid="draw-target">
        <span class="row-title">${x.position}. ${x.site_name}</span>
        <span class="row-meta small">${vocabName('site_types', x.site_type, '')} · ${x.grid}${x.enterprise_name ? ` · ${x.enterprise_name}` : ''}</span>
        <span class="row-meta" data-testid="draw-inspectors">${t('drawInspectedBy')}${x.inspectors.map((p, n) => html`<span key=${n}>
          ${n ? '、' : ''}${p.name}${p.certificate_no ? html` <span class="muted small">（${p.certificate_no}）</span>` : ''}</span>`)}</span>
        ${(x.replacements || []).map((r, n) => html`<span key=${`r${n}`} class="row-meta small" data-testid="draw-replaced">
          ${r.replacement ? t('drawReplaced', { departed: r.departed.name, replacement: r.replacement.name })
    : t('drawReplacedNone', { departed: r.departed.name })}</span>`)}
        ${x.recused?.length > 0 && html`<span class="row-meta small muted" data-testid="draw-recused">
          ${t('drawRecused', { names: x.recused.map((p) => p.name).join('、') })}</span>`}
      </li>`)}</ol>`;
}

function RunForm({ draw, onDone }) {
  const kept = localStorage.getItem(SEED_KEY(draw.id)) || '';
  const [seed, setSeed] = useState(kept);
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  const server = draw.seed_by_server; // then nothing to reveal: the server holds the seed it made
  async function run(e) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const json = {};
    if (seed.trim()) json.seed = seed.trim();
    if (value.trim()) json.public_value = value.trim();
    try {
      const { data } = await call(`draws/${draw.id}/run`, { method: 'POST', json });
      localStorage.removeItem(SEED_KEY(draw.id));
      onDone(data);
    } catch (error) {
      const found = refusal(error, ['seed', 'public_value']);
      setProblem(error.status === 0 ? t('drawsOffline') : found.seed || found.public_value || found['']);
    } finally {
      setBusy(false);
    }
  }
  return html`<form class="draw-form" onSubmit=${run}>
    <h2>${t('drawRunTitle')}</h2>
    <p class="muted small">${t('drawRunHint')}</p>
    ${!server && html`<div class="field"><label for="draw-seed-in">${t('drawSeedIn')}</label>
      <input id="draw-seed-in" value=${seed} onInput=${(e) => setSeed(e.currentTarget.value)} autocomplete="off" />
      <p class="muted small">${t('drawSeedInHint')}</p></div>`}
    ${draw.public_value_source && html`<div class="field"><label for="draw-value-in">${t('drawPublicValue', { s: draw.public_value_source })}</label>
      <input id="draw-value-in" value=${value} onInput=${(e) => setValue(e.currentTarget.value)} /></div>`}
    <${Problem} text=${problem} />
    <p><button type="submit" class="primary wide" disabled=${busy || !state.online} data-testid="draw-run">${t('drawRun')}</button></p>
  </form>`;
}

function Publish({ draw, onDone }) {
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  async function publish() {
    setBusy(true);
    setProblem(null);
    try {
      onDone((await call(`draws/${draw.id}/publish`, { method: 'POST' })).data);
    } catch (error) {
      setProblem(error.status === 0 ? t('drawsOffline') : refusal(error)['']);
    } finally {
      setBusy(false);
    }
  }
  return html`<div><p class="muted small">${t('drawPublishHint')}</p><${Problem} text=${problem} />
    <p><button type="button" class="primary wide" disabled=${busy || !state.online} onClick=${publish}
      data-testid="draw-publish">${t('drawPublish')}</button></p></div>`;
}

export function DrawDetail({ id }) {
  const [found, setFound] = useState({ draw: null, error: null });
  useEffect(() => {
    if (!state.online) return;
    get(`draws/${id}`).then((draw) => setFound({ draw, error: null })).catch((error) => setFound({ draw: null, error }));
  }, [id, state.online]);
  const draw = found.draw;
  const done = (next) => setFound({ draw: next, error: null });
  const amount = draw && (draw.share != null ? t('drawShareOf', { pct: +(Number(draw.share) * 100).toFixed(2) })
    : t('drawCountOf', { n: draw.count }));
  return html`<main id="main" class="draws">
    <p class="back"><a href="#/draws">${t('drawsBack')}</a></p>
    ${!state.online && html`<${Offline} />`}
    ${found.error && html`<h1 tabindex="-1">${t('drawsTitle')}</h1><${Problem} text=${found.error.message} />`}
    ${draw && html`
      <h1 tabindex="-1">${draw.matter}</h1>
      <p><span class="badge" data-testid="draw-state">${drawStateName(draw.state)}</span>
        ${draw.drawn_at && html` <span class="muted small">${t('drawDrawnAt', { time: formatTime(draw.drawn_at) })}</span>`}
        ${draw.published_at && html` <span class="muted small">${t('drawPublishedAt', { time: formatTime(draw.published_at) })}</span>`}</p>
      <dl class="draw-facts">
        <dt>${t('drawArea')}</dt><dd>${draw.area}</dd>
        <dt>${t('drawPeriod')}</dt><dd>${formatDate(draw.period_start)}–${formatDate(draw.period_end)}</dd>
        <dt>${t('drawFilters')}</dt><dd>${[...draw.site_types.map((c) => vocabName('site_types', c, c)),
    ...draw.risk_levels.map((c) => vocabName('risk_levels', c, c))].join('、') || t('drawFiltersNone')}</dd>
        <dt>${t('drawHowMany')}</dt><dd>${amount}${t('drawPerTargetOf', { n: draw.per_target })}</dd>
      </dl>
      ${draw.state === 'published' && html`<div class="notice ok" data-testid="draw-published">
        <p>${t('drawIsPublic')}</p>
        <p><a href=${`/public/draws/${draw.id}`} target="_blank" rel="noopener" data-testid="draw-public-link">${t('drawPublicPage')}</a></p>
        <p><a href=${`/public/draws/${draw.id}/verify`} target="_blank" rel="noopener" data-testid="draw-verify-link">${t('drawVerifyPage')}</a></p>
      </div>`}
      ${draw.state === 'committed' && html`<${Hash} label=${t('drawCommitment')} value=${draw.seed_commitment} />
        <${RunForm} draw=${draw} onDone=${done} />`}
      <${Targets} draw=${draw} />
      ${draw.state === 'drawn' && html`<${Publish} draw=${draw} onDone=${done} />`}
      ${draw.state !== 'committed' && html`<details class="draw-hashes"><summary>${t('drawHashes')}</summary>
        <${Hash} label=${t('drawCommitment')} value=${draw.seed_commitment} />
        <${Hash} label=${t('drawSeedShown')} value=${draw.seed} />
        ${draw.public_value && html`<${Hash} label=${t('drawPublicValue', { s: draw.public_value_source })} value=${draw.public_value} />`}
        <${Hash} label=${t('drawTargetsHash')} value=${draw.targets_sha256} />
        <${Hash} label=${t('drawInspectorsHash')} value=${draw.inspectors_sha256} />
        <${Hash} label=${t('drawResultHash')} value=${draw.result_sha256} />
      </details>`}`}
  </main>`;
}
