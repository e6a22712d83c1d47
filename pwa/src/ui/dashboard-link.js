/** The offices' homes' way into the dashboard (统计看板, ui/dashboard.js, loaded when opened). */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { Section } from './parts.js';

export const DashboardLink = () => html`<${Section} id="h-dashboard" title=${t('dashTitle')}>
  <ul class="list"><li class="row"><a href="#/dashboard" data-testid="dashboard-link">
    <span class="row-title">${t('dashOpenLink')}</span><span class="muted small">${t('dashHint')}</span></a></li></ul><//>`;
