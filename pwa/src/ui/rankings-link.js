/** A home's links to the rankings and the summonses (排名, 约谈: ui/rankings.js, ui/summonses.js, loaded when opened). */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { Section } from './parts.js';

export const RankingsLink = () => html`<${Section} id="h-rankings" title=${t('rankingsTitle')}>
  <ul class="list"><li class="row"><a href="#/rankings" data-testid="rankings-link">
    <span class="row-title">${t('rankingsOpen')}</span><span class="muted small">${t('rankingsHint')}</span></a></li>
  <li class="row"><a href="#/summonses" data-testid="summonses-link">
    <span class="row-title">${t('summonsOpen')}</span><span class="muted small">${t('summonsHint')}</span></a></li></ul><//>`;
