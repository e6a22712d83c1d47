/**
 * 行业主管部门首页 (管行业必须管安全): the hazards of the department's sector, those a station transferred (移送) to it
 * first, each with what it may do about it; a link to the rankings (考核排名, 约谈); then its sector's sites (synced) and enterprises (asked of the API, kept
 * for offline).
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { get } from '../lib/api.js';
import { departmentLists } from '../lib/next-steps.js';
import { getMeta, setMeta, state } from '../store.js';
import { DashboardLink } from './dashboard-link.js';
import { FindHazards } from './hazards.js';
import { canDo, HazardList, Section, vocabName } from './parts.js';
import { RankingsLink } from './rankings-link.js';
import { SupervisionLink } from './supervision-link.js';
import { AreaTasksLink } from './tasks-link.js';
import { EnterpriseList, SiteList } from './site-list.js';

/** The sectors the user answers for, named. */
function sectorNames() {
  const codes = state.session.user.roles.filter((r) => r.role === 'department_officer' && r.sector).map((r) => r.sector);
  return codes.map((code) => vocabName('sectors', code, '')).filter(Boolean);
}

/** The enterprises of the sector in scope (the API scopes them), the first page, kept for offline. */
function useEnterprises() {
  const [enterprises, setEnterprises] = useState(null);
  useEffect(() => {
    let gone = false;
    getMeta('enterprises').then((kept) => { if (!gone && kept) setEnterprises((now) => now ?? kept); });
    if (state.online) {
      get('enterprises?page_size=100').then(async (found) => {
        const brief = found.map(({ id, name, address, above_designated_size: above }) => ({ id, name, address, above }));
        await setMeta('enterprises', brief);
        if (!gone) setEnterprises(brief);
      }).catch(() => {});
    }
    return () => { gone = true; };
  }, []);
  return enterprises;
}

function Enterprises() {
  const enterprises = useEnterprises();
  if (enterprises == null) return html`<p class="muted">${t('enterprisesOffline')}</p>`;
  return html`<${EnterpriseList} enterprises=${enterprises} id="sector-enterprises" />`;
}

export function DepartmentHome() {
  const { transferred, others } = departmentLists(state.hazards);
  const sectors = sectorNames();
  return html`
    ${sectors.length > 0 && html`<p class="muted">${t('yourSector', { sector: sectors.join('、') })}</p>`}
    <${FindHazards} />
    <${DashboardLink} />
    <${RankingsLink} />
    <${SupervisionLink} />
    <${AreaTasksLink} />
    <${Section} id="h-transferred" title=${t('transferredToUs', { n: transferred.length })}>
      <${HazardList} hazards=${transferred} clock="deadline" detail=${canDo} empty=${t('noTransferred')} /><//>
    <${Section} id="h-sector" title=${t('sectorHazards', { n: others.length })}>
      <${HazardList} hazards=${others} clock="deadline" detail=${canDo} limit=${10} /><//>
    <${Section} id="h-sector-sites" title=${t('sectorSites', { n: state.sites.length })}>
      <${SiteList} sites=${state.sites} id="sector-sites" /><//>
    <${Section} id="h-sector-enterprises" title=${t('sectorEnterprises')}><${Enterprises} /><//>`;
}
