/**
 * 企业首页: the enterprise's own hazards by what it must do next (overdue first, new notices, a major hazard's plan
 * and dual report, rectifications to submit, its own reports to fix, then what waits for the station), from what the
 * server lets it do and the deadline; then its assessments (考核: score, verdict, rank) and its sites.
 */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { actionName } from '../lib/loop.js';
import { byEnterpriseStep, majorSteps, unreadNotices } from '../lib/next-steps.js';
import { serverNow } from '../lib/clock.js';
import { markRead, state } from '../store.js';
import { HazardList, Section } from './parts.js';
import { lazy } from './lazy.js';
import { SiteList } from './site-list.js';

const EnterpriseAssessments = lazy(() => import('./rankings.js'), 'EnterpriseAssessments');

// group → its heading (with the count) and, for those the enterprise acts on, what is next on each row
const GROUPS = {
  overdue: 'stepOverdue',
  notice: 'notices',
  major: 'stepMajor',
  rectify: 'stepRectify',
  self_rectify: 'stepSelfRectify',
  reinspection: 'stepReinspection',
  waiting: 'stepWaiting',
};
const ALWAYS = new Set(['notice', 'rectify']); // shown even when empty: where a notice will arrive

const nextOf = (hazard) => {
  const steps = majorSteps(hazard);
  return steps.length ? t('nextStep', { step: steps.map((a) => actionName(state.vocab, a)).join('、') }) : null;
};

/** Opening a new notice reads it: it moves on to 待提交整改 with the inbox's next refresh. */
function readNotice(hazard) {
  for (const note of state.notifications) {
    if (note.hazard_id === hazard.id && !note.read_at) markRead(note);
  }
}

export function EnterpriseHome() {
  const groups = byEnterpriseStep(state.hazards, { unread: unreadNotices(state.notifications), now: serverNow() });
  return html`
    ${Object.entries(GROUPS).map(([step, title]) => (groups[step].length || ALWAYS.has(step)) && html`
      <${Section} key=${step} id=${`h-${step}`} title=${t(title, { n: groups[step].length })}>
        <${HazardList} hazards=${groups[step]} clock="deadline" detail=${nextOf}
          onOpen=${step === 'notice' ? readNotice : undefined} />
      <//>`)}
    <${EnterpriseAssessments} />
    <${Section} id="h-own" title=${t('ownSites')}><${SiteList} sites=${state.sites} id="own-sites" /><//>`;
}
