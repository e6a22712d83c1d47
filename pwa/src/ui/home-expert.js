/** 专家的首页: the hazards they are invited to (邀请专家) that are still open, where they record their findings. */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { HazardList, Section } from './parts.js';
import { ListNote, useHazardList } from './home-enforcement.js';

export function ExpertHome() {
  const invited = useHazardList('invited=me&open=true');
  const hazards = invited.hazards || [];
  return html`<${Section} id="h-invited" title=${t('invitedTo', { n: hazards.length })}>
    <${ListNote} list=${invited} />
    ${invited.hazards && html`<${HazardList} hazards=${hazards} empty=${t('noInvitations')} />`}
  <//>`;
}
