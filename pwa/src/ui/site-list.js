/** Lists long enough to need finding in: a search box once they are, the first rows, and all on request. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { findEnterprises, findSites } from '../lib/filters.js';

const SEARCH_FROM = 6; // fewer rows are read at a glance
const SHOWN = 20;

/** `items` filtered by `find(items, typed)`, each drawn by `row`; `texts`: {search, empty, none}. */
export function FindableList({ items, find, row, id, texts }) {
  const [typed, setTyped] = useState('');
  const [more, setMore] = useState(false);
  if (!items.length) return html`<p class="muted">${texts.empty}</p>`;
  const found = find(items, typed);
  const shown = more ? found : found.slice(0, SHOWN);
  return html`
    ${items.length >= SEARCH_FROM && html`<div class="search">
      <label for=${`${id}-q`} class="visually-hidden">${texts.search}</label>
      <input id=${`${id}-q`} type="search" value=${typed} placeholder=${texts.search} autocomplete="off"
        onInput=${(e) => setTyped(e.currentTarget.value)} />
    </div>`}
    ${typed && html`<p class="muted small" role="status">${t('foundN', { n: found.length })}</p>`}
    ${found.length ? html`<ul class="list">${shown.map(row)}</ul>` : html`<p class="muted">${texts.none}</p>`}
    ${found.length > shown.length && html`<button type="button" class="link" onClick=${() => setMore(true)}>
      ${t('showAll', { n: found.length })}</button>`}`;
}

const siteRow = (s) => html`<li key=${s.id} class="row">
  <a href=${`#/site/${s.id}`}><span class="row-title">${s.name}</span><span class="row-desc">${s.address}</span></a></li>`;

/** Sites (synced), found by name, address or enterprise. */
export function SiteList({ sites, id = 'sites' }) {
  return html`<${FindableList} items=${sites} find=${findSites} row=${siteRow} id=${id}
    texts=${{ search: t('searchSites'), empty: t('noSites'), none: t('noSitesFound') }} />`;
}

const enterpriseRow = (e) => html`<li key=${e.id} class="row item">
  <span class="row-title">${e.name}${e.above ? html` <span class="badge">${t('aboveSize')}</span>` : ''}</span>
  ${e.address && html`<span class="row-desc">${e.address}</span>`}</li>`;

/** Enterprises ({id, name, address, above}), found by name or address. */
export function EnterpriseList({ enterprises, id = 'enterprises' }) {
  return html`<${FindableList} items=${enterprises} find=${findEnterprises} row=${enterpriseRow} id=${id}
    texts=${{ search: t('searchEnterprises'), empty: t('noEnterprises'), none: t('noEnterprisesFound') }} />`;
}
