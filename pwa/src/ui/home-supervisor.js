/**
 * 区应急管理局首页: the district's totals (once: the summary by street is under 统计), the major hazards listed for
 * supervision (挂牌督办), closed ones still listed first since they wait to be de-listed (摘牌销号), and extensions
 * waiting for a decision; links to the rankings (考核排名, 约谈) and to the 双随机 draws (双随机抽查).
 */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { isListed } from '../lib/filters.js';
import { byDeadline } from '../lib/next-steps.js';
import { state } from '../store.js';
import { DashboardLink } from './dashboard-link.js';
import { FindHazards } from './hazards.js';
import { canDo, HazardList, Section } from './parts.js';
import { DrawsLink } from './draws-link.js';
import { RankingsLink } from './rankings-link.js';
import { SupervisionLink } from './supervision-link.js';
import { SummaryHeadline } from './summary.js';

const can = (action) => (h) => (h.allowed_actions || []).includes(action);

export function SupervisorHome() {
  const listed = state.hazards.filter(isListed);
  const toDelist = listed.filter((h) => h.state === 'closed');
  const open = listed.filter((h) => h.state !== 'closed').sort(byDeadline);
  const extensions = state.hazards.filter(can('decide_extension')).sort(byDeadline);
  return html`
    <${DashboardLink} />
    <${SummaryHeadline} />
    <div class="inline">
      <${FindHazards} />
      <a class="button find" href="#/hazards?overdue=true">${t('findOverdue')}</a>
    </div>
    <${Section} id="h-listed" title=${t('listedHazards', { n: listed.length })}>
      <${HazardList} hazards=${[...toDelist, ...open]} clock="deadline" detail=${canDo} empty=${t('noListed')} /><//>
    ${extensions.length > 0 && html`<${Section} id="h-extensions" title=${t('extensionsToDecide', { n: extensions.length })}>
      <${HazardList} hazards=${extensions} clock="deadline" detail=${canDo} /><//>`}
    <${RankingsLink} />
    <${DrawsLink} />
    <${SupervisionLink} />`;
}
