/** 街道安全站的首页: the reports waiting for acknowledgement (oldest first), re-inspection, and those in rectification. */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { state } from '../store.js';
import { DashboardLink } from './dashboard-link.js';
import { FindHazards } from './hazards.js';
import { HazardList, Section } from './parts.js';
import { SupervisionLink } from './supervision-link.js';
import { AreaTasksLink } from './tasks-link.js';

export function StationHome() {
  const by = (s) => state.hazards.filter((h) => h.state === s || h.pending?.from === s);
  // Oldest first: the report closest to its 30-minute limit is at the top.
  const triage = by('reported').sort((a, b) => String(a.ack_due_at).localeCompare(String(b.ack_due_at)));
  return html`
    <${FindHazards} />
    <${DashboardLink} />
    <${AreaTasksLink} />
    <${SupervisionLink} />
    <${Section} id="h-triage" title=${t('triageQueue', { n: triage.length })}><${HazardList} hazards=${triage} /><//>
    <${Section} id="h-reinspect" title=${t('reinspectQueue', { n: by('submitted').length })}><${HazardList} hazards=${by('submitted')} /><//>
    <${Section} id="h-rectifying" title=${t('rectifyingList', { n: by('rectifying').length })}><${HazardList} hazards=${by('rectifying')} /><//>`;
}
