/** A home's links to the rankings, the summonses and the scorecards (排名, 约谈, 双月考核: ui/rankings.js, ui/summonses.js,
 * ui/scorecards.js, loaded when opened). */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { levelsFor } from '../lib/scorecards.js';
import { state } from '../store.js';
import { Section } from './parts.js';

export const RankingsLink = () => html`<${Section} id="h-rankings" title=${t('rankingsTitle')}>
  <ul class="list"><li class="row"><a href="#/rankings" data-testid="rankings-link">
    <span class="row-title">${t('rankingsOpen')}</span><span class="muted small">${t('rankingsHint')}</span></a></li>
  <li class="row"><a href="#/summonses" data-testid="summonses-link">
    <span class="row-title">${t('summonsOpen')}</span><span class="muted small">${t('summonsHint')}</span></a></li>
  ${levelsFor(state.session?.user?.roles || []).length > 0 && html`<li class="row"><a href="#/scorecards" data-testid="scorecards-link">
    <span class="row-title">${t('scorecardsOpen')}</span><span class="muted small">${t('scorecardsHint')}</span></a></li>`}</ul><//>`;
