/** A list of sites (synced), with a search box once it is long enough to need one: by name, address or enterprise. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { findSites } from '../lib/filters.js';

const SEARCH_FROM = 6; // fewer sites are read at a glance
const SHOWN = 20;

export function SiteList({ sites, id = 'sites' }) {
  const [typed, setTyped] = useState('');
  const [more, setMore] = useState(false);
  if (!sites.length) return html`<p class="muted">${t('noSites')}</p>`;
  const found = findSites(sites, typed);
  const shown = more ? found : found.slice(0, SHOWN);
  return html`
    ${sites.length >= SEARCH_FROM && html`<div class="search">
      <label for=${`${id}-q`} class="visually-hidden">${t('searchSites')}</label>
      <input id=${`${id}-q`} type="search" value=${typed} placeholder=${t('searchSites')} autocomplete="off"
        onInput=${(e) => setTyped(e.currentTarget.value)} />
    </div>`}
    ${typed && html`<p class="muted small" role="status">${t('foundN', { n: found.length })}</p>`}
    ${found.length ? html`<ul class="list">${shown.map((s) => html`<li key=${s.id} class="row">
      <a href=${`#/site/${s.id}`}><span class="row-title">${s.name}</span><span class="row-desc">${s.address}</span></a></li>`)}</ul>`
    : html`<p class="muted">${t('noSitesFound')}</p>`}
    ${found.length > shown.length && html`<button type="button" class="link" onClick=${() => setMore(true)}>
      ${t('showAll', { n: found.length })}</button>`}`;
}
