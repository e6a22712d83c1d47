/** The site page after a scan: the check-in, a big 报告隐患 button, 开始检查 (or 继续检查), its open hazards and history. */
import { html } from 'htm/preact';
import { formatTime, t } from '../i18n/index.js';
import { state } from '../store.js';
import { OPEN_STATES } from '../lib/view.js';
import { groupedCode } from '../lib/tags.js';
import { HazardList, Section } from './parts.js';
import { ResumeDrafts, SiteInspections } from './inspection-parts.js';

function CheckinStatus({ entry }) {
  if (!entry) return null;
  const item = state.items.find((i) => i.id === entry.id);
  const label = item ? (item.status === 'attention' ? ` · ${t('needsAttention')}` : t('checkinQueued')) : t('checkinSent');
  return html`<p class="checkin" role="status" data-testid="checkin-status">
    ${t('checkedIn', { time: formatTime(entry.at, { date: false }) })}${label}</p>`;
}

export function Site({ id, code }) {
  const site = id && id !== '-' ? state.sites.find((s) => s.id === id) : null;
  const key = site ? site.id : `code:${code}`;
  const hazards = site ? state.hazards.filter((h) => h.site_id === site.id) : [];
  const open = hazards.filter((h) => OPEN_STATES.has(h.state));
  const past = hazards.filter((h) => !OPEN_STATES.has(h.state));
  const flash = state.flash;
  const reportHref = site ? `#/report/${site.id}` : `#/report/-/${code}`;
  return html`<main id="main">
    <h1 tabindex="-1">${site ? site.name : t('siteUnknown', { code: groupedCode(code || '') })}</h1>
    ${flash && html`<p class="flash" role="status">${flash}</p>`}
    <${CheckinStatus} entry=${state.checkins[key]} />
    ${site && html`<dl class="facts">
      <dt>${t('address')}</dt><dd>${site.address || '—'}</dd>
      ${site.enterprise && html`<dt>${t('enterprise')}</dt><dd>${site.enterprise.name}</dd>`}
    </dl>`}
    ${!site && html`<p class="muted">${t('tagUnknownOffline')}</p>`}
    <a href=${reportHref} class="button primary huge">${t('reportHazard')}</a>
    ${site && html`<${ResumeDrafts} siteId=${site.id} />
      <a href=${`#/inspect/${site.id}`} class="button big wide">${t('startInspection')}</a>
      <${SiteInspections} siteId=${site.id} />`}
    ${site && html`
      <${Section} id="h-site-open" title=${t('siteOpenHazards')}><${HazardList} hazards=${open} /><//>
      <${Section} id="h-site-history" title=${t('siteHistory')}><${HazardList} hazards=${past} empty=${t('noSiteHistory')} /><//>`}
  </main>`;
}
