/** A home's link to the rankings (排名: ui/rankings.js, loaded when opened). */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { Section } from './parts.js';

export const RankingsLink = () => html`<${Section} id="h-rankings" title=${t('rankingsTitle')}>
  <ul class="list"><li class="row"><a href="#/rankings" data-testid="rankings-link">
    <span class="row-title">${t('rankingsOpen')}</span><span class="muted small">${t('rankingsHint')}</span></a></li></ul><//>`;
