/**
 * 隐患查询 (#/hazards?q=…&state=…): the hazards in scope, found by text and narrowed by state, level, category, site,
 * street, overdue, listing and transfer. It filters what the phone has synced (lib/filters.js, with the API's
 * meanings), so it works offline; the phone holds the open hazards, those of the last 30 days and the listed ones.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { currentLang, named, t } from '../i18n/index.js';
import { call, get } from '../lib/api.js';
import { FILTERS, filterHazards, filtersQuery, readFilters } from '../lib/filters.js';
import { flagNames } from '../lib/loop.js';
import { navigate } from '../router.js';
import { getMeta, setMeta, state } from '../store.js';
import { HazardList, levelName, siteName } from './parts.js';

const SHOWN = 50;

/** The streets' names (public reference data): kept on the phone, fetched again when online. */
export function useStreets() {
  const [streets, setStreets] = useState([]);
  useEffect(() => {
    let gone = false;
    getMeta('streets').then((kept) => { if (!gone && kept) setStreets(kept); });
    if (state.online) {
      get('areas?level=street&page_size=100').then(async (found) => {
        await setMeta('streets', found.map(({ id, name }) => ({ id, name })));
        if (!gone) setStreets(found);
      }).catch(() => {});
    }
    return () => { gone = true; };
  }, []);
  return streets;
}

/** A choice among `options` ([value, name]): empty means any. */
function Choice({ id, label, value, options, set }) {
  return html`<div class="filter">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value ?? ''} onChange=${(e) => set(e.currentTarget.value || undefined)}>
      <option value="">${t('anyValue')}</option>
      ${options.map(([code, name]) => html`<option key=${code} value=${code}>${name}</option>`)}
    </select>
  </div>`;
}

function Flag({ id, label, checked, set }) {
  return html`<div class="check chip"><input id=${id} type="checkbox" checked=${!!checked}
    onChange=${(e) => set(e.currentTarget.checked || undefined)} /><label for=${id}>${label}</label></div>`;
}

/** The flag names the server gives (挂牌督办, 已移送行业部门), for the yes-or-no filters. */
const flagName = (code, fallback) => flagNames(state.vocab, { flags: [code] })[0] || fallback;

/**
 * The list a dashboard figure names (#/hazards?server=1&…): asked of the server with exactly the figure's query, so
 * that it holds the rows the figure counted, old closed ones too, which the phone does not keep. Online only.
 */
function ServerHazards({ query }) {
  const asked = new URLSearchParams(query);
  asked.delete('server');
  const label = asked.get('label');
  asked.delete('label');
  const [found, setFound] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let gone = false;
    setFound(null);
    setFailed(false);
    if (!state.online) { setFailed(true); return undefined; }
    call(`hazards?${asked}&page_size=${SHOWN}`).then(({ data, response }) => {
      const total = JSON.parse(response.headers.get('X-Pagination') || '{}').total ?? data.length;
      if (!gone) setFound({ hazards: data, total });
    }).catch(() => { if (!gone) setFailed(true); });
    return () => { gone = true; };
  }, [asked.toString()]);
  return html`<main id="main" class="wide">
    <h1 tabindex="-1">${t('hazardsTitle')}</h1>
    ${label && html`<p class="list-label" data-testid="hazards-label">${label}</p>`}
    <p class="muted small">${t('dashListNote')}
      <a href="#/hazards" class="link">${t('clearFilters')}</a></p>
    ${found == null
    ? html`<p class="muted" role="status">${failed ? t('dashListOffline') : t('screenLoading')}</p>`
    : html`<p class="muted small" role="status" aria-live="polite" data-testid="hazards-total">${t('foundN', { n: found.total })}</p>
      <${HazardList} hazards=${found.hazards} clock="both" empty=${t('noHazardsFound')} />
      ${found.total > found.hazards.length && html`<p class="muted small">${t('dashListFirst', { n: found.hazards.length })}</p>`}`}
  </main>`;
}

export function Hazards({ query }) {
  if (query.get('server') === '1') return html`<${ServerHazards} query=${query} />`;
  return html`<${PhoneHazards} query=${query} />`;
}

function PhoneHazards({ query }) {
  const filters = readFilters(query);
  const chosen = FILTERS.filter((name) => name !== 'q' && filters[name] !== undefined).length;
  const [open, setOpen] = useState(chosen > 0);
  const streets = useStreets();
  const set = (name) => (value) => navigate(`/hazards?${filtersQuery({ ...filters, [name]: value })}`, { replace: true });
  const found = filterHazards(state.hazards, filters, { siteName });

  const here = (key) => new Set(state.hazards.map((h) => h[key]).filter((v) => v != null));
  const siteIds = here('site_id');
  const sites = state.sites.filter((s) => siteIds.has(s.id) || s.id === filters.site_id).map((s) => [s.id, s.name]);
  const streetIds = here('street_id');
  const streetOptions = streets.filter((s) => streetIds.has(s.id)).map((s) => [String(s.id), s.name]);
  const any = Object.keys(filters).length > 0;
  return html`<main id="main" class="wide">
    <h1 tabindex="-1">${t('hazardsTitle')}</h1>
    <form class="filters" role="search" aria-label=${t('hazardsTitle')} onSubmit=${(e) => e.preventDefault()}>
      <div class="filter search">
        <label for="hz-q">${t('searchHazards')}</label>
        <input id="hz-q" type="search" autocomplete="off" value=${filters.q ?? ''} placeholder=${t('searchHazardsHint')}
          onInput=${(e) => set('q')(e.currentTarget.value || undefined)} />
      </div>
      <button type="button" class="filter-toggle" aria-expanded=${open} aria-controls="hz-more"
        onClick=${() => setOpen(!open)}>${chosen ? t('filtersN', { n: chosen }) : t('filtersTitle')}</button>
      <div id="hz-more" class=${`more${open ? ' open' : ''}`}>
        <${Choice} id="hz-state" label=${t('hazardState')} value=${filters.state} set=${set('state')}
          options=${(state.vocab?.hazard_states || []).map((s) => [s.code, named(s)])} />
        <${Choice} id="hz-level" label=${t('level')} value=${filters.level} set=${set('level')}
          options=${['general', 'major'].map((code) => [code, levelName(code)])} />
        <${Choice} id="hz-category" label=${t('category')} value=${filters.category} set=${set('category')}
          options=${state.categories.map((c) => [c.code, currentLang() === 'en' ? c.name_en : c.name_zh])} />
        ${sites.length > 1 && html`<${Choice} id="hz-site" label=${t('siteTitle')} value=${filters.site_id}
          set=${set('site_id')} options=${sites} />`}
        ${(streetOptions.length > 1 || filters.area_id) && html`<${Choice} id="hz-street" label=${t('street')}
          value=${filters.area_id} set=${set('area_id')} options=${streetOptions} />`}
        <div class="flags">
          <${Flag} id="hz-overdue" label=${t('overdue')} checked=${filters.overdue} set=${set('overdue')} />
          <${Flag} id="hz-listed" label=${flagName('listed', t('listedFilter'))} checked=${filters.listed} set=${set('listed')} />
          <${Flag} id="hz-transferred" label=${flagName('transferred', t('transferredFilter'))} checked=${filters.transferred}
            set=${set('transferred')} />
        </div>
      </div>
      ${any && html`<button type="button" class="link clear" onClick=${() => navigate('/hazards', { replace: true })}>${t('clearFilters')}</button>`}
    </form>
    <p class="muted small" role="status" aria-live="polite">${t('foundN', { n: found.length })} · ${t('searchedOnPhone')}</p>
    <${HazardList} hazards=${found} clock="both" limit=${SHOWN} empty=${any ? t('noHazardsFound') : t('noHazards')} />
  </main>`;
}

/** The way into the list from a home: 查找隐患. */
export function FindHazards({ query = '' }) {
  return html`<a class="button find" href=${`#/hazards${query ? `?${query}` : ''}`}>${t('findHazards')}</a>`;
}
