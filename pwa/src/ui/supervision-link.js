/** A home's links to the map and the ledgers (一张图, 台账: ui/map.js with Leaflet, ui/ledgers.js, loaded when opened). */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { Section } from './parts.js';

export const SupervisionLink = () => html`<${Section} id="h-supervision" title=${t('supervisionTitle')}>
  <ul class="list"><li class="row"><a href="#/map" data-testid="map-link">
    <span class="row-title">${t('mapOpen')}</span><span class="muted small">${t('mapHint')}</span></a></li>
  <li class="row"><a href="#/ledgers" data-testid="ledgers-link">
    <span class="row-title">${t('ledgersOpen')}</span><span class="muted small">${t('ledgersHint')}</span></a></li></ul><//>`;
