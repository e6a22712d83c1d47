/** 首页 links to incidents (突发事件) and disaster statistics (灾情统计), by role. */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { state } from '../store.js';

export function EmergencyLinks() {
  const roles = new Set(state.session.user.roles.map((r) => r.role));
  const field = roles.has('grid_worker');
  const office = roles.has('station_officer') || roles.has('supervisor') || roles.has('admin');
  return html`<div class="emergency-links">
    ${field && html`<a href="#/incident-new" class="button danger" data-testid="report-incident">${t('incidentNew')}</a>`}
    ${office && html`<a href="#/incidents" class="button" data-testid="incident-queue-link">${t('incidentsTitle')}</a>`}
    ${(field || office) && html`<a href="#/disasters" class="button">${t('disastersTitle')}</a>`}
  </div>`;
}
