/** 首页 links to incidents (突发事件) and disaster statistics (灾情统计), by role, and the line saying a report was kept. */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { state } from '../store.js';

export function EmergencyLinks() {
  const roles = new Set(state.session.user.roles.map((r) => r.role));
  const field = roles.has('grid_worker');
  const office = roles.has('station_officer') || roles.has('supervisor') || roles.has('admin');
  // A report saved from its form comes back here: say it is kept and waiting, as a site's page does for a hazard.
  return html`${state.flash && html`<p class="flash" role="status">${state.flash}</p>`}<div class="emergency-links">
    ${field && html`<a href="#/incident-new" class="button danger" data-testid="report-incident">${t('incidentNew')}</a>`}
    ${(field || office) && html`<a href="#/incidents" class="button" data-testid="incident-queue-link">${t('incidentsTitle')}</a>`}
    ${(field || office) && html`<a href="#/disasters" class="button">${t('disastersTitle')}</a>`}
  </div>`;
}
