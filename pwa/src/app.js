/** The app frame: header (online state, outbox), the routed screen, the navigation, the update prompt. */
import { html } from 'htm/preact';
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { t } from './i18n/index.js';
import { useRoute } from './router.js';
import { outbox, state, subscribe } from './store.js';
import { OFFICE_ROLES, rolesOf, Home } from './ui/home.js';
import { Login } from './ui/login.js';
import { Scan, TagOpen } from './ui/scan.js';
import { Site } from './ui/site.js';
import { Mine } from './ui/mine.js';
import { Outbox } from './ui/outbox.js';
import { lazy } from './ui/lazy.js';
import { OutboxStatus } from './ui/parts.js';
import { OfflineStatus } from './ui/offline-status.js';

// Loaded when first opened: none of them is a first screen (home, login), and the service worker precaches them.
const Report = lazy(() => import('./ui/report.js'), 'Report', { screen: true });
const Hazard = lazy(() => import('./ui/hazard.js'), 'Hazard', { screen: true });
const Hazards = lazy(() => import('./ui/hazards.js'), 'Hazards', { screen: true });
const Summary = lazy(() => import('./ui/summary.js'), 'Summary', { screen: true });
const Settings = lazy(() => import('./ui/settings.js'), 'Settings', { screen: true });
const AdminScreen = lazy(() => import('./ui/admin/index.js'), 'AdminScreen', { screen: true });
const StartInspection = lazy(() => import('./ui/inspection.js'), 'StartInspection', { screen: true });
const Inspection = lazy(() => import('./ui/inspection.js'), 'Inspection', { screen: true });
const Correction = lazy(() => import('./ui/inspection-correction.js'), 'Correction', { screen: true });
const Rankings = lazy(() => import('./ui/rankings.js'), 'Rankings', { screen: true });
const Assessment = lazy(() => import('./ui/rankings.js'), 'Assessment', { screen: true });
const Summonses = lazy(() => import('./ui/summonses.js'), 'Summonses', { screen: true });
const Scorecards = lazy(() => import('./ui/scorecards.js'), 'Scorecards', { screen: true });
// patrol tasks (检查任务): the user's own (我的任务), and an office's area's with reassigning
const MyTasks = lazy(() => import('./ui/tasks.js'), 'MyTasks', { screen: true });
const AreaTasks = lazy(() => import('./ui/tasks.js'), 'AreaTasks', { screen: true });
// 双随机: the supervisor's draws (run, publish), an inspector's declared ties (利害关系申报)
const Draws = lazy(() => import('./ui/draws.js'), 'Draws', { screen: true });
const NewDraw = lazy(() => import('./ui/draws.js'), 'NewDraw', { screen: true });
const DrawDetail = lazy(() => import('./ui/draws.js'), 'DrawDetail', { screen: true });
const Conflicts = lazy(() => import('./ui/conflicts.js'), 'Conflicts', { screen: true });
// warnings (预警): the list, the district's issue/update form and a message's live coverage (the banner is on home)
const Warnings = lazy(() => import('./ui/warnings.js'), 'Warnings', { screen: true });
const IssueWarning = lazy(() => import('./ui/warnings.js'), 'IssueWarning', { screen: true });
const WarningScreen = lazy(() => import('./ui/warnings.js'), 'WarningScreen', { screen: true });
// incidents (突发事件信息报送) and disaster statistics (灾情统计)
const IncidentNew = lazy(() => import('./ui/incidents.js'), 'IncidentNew', { screen: true });
const Incidents = lazy(() => import('./ui/incidents.js'), 'Incidents', { screen: true });
const Incident = lazy(() => import('./ui/incidents.js'), 'Incident', { screen: true });
const Disasters = lazy(() => import('./ui/disasters.js'), 'Disasters', { screen: true });
const Disaster = lazy(() => import('./ui/disasters.js'), 'Disaster', { screen: true });
// 统计看板: the offices' figures, each opening its list
const Dashboard = lazy(() => import('./ui/dashboard.js'), 'Dashboard', { screen: true });
// 一张图 (with Leaflet, in its own chunk) and 台账 (ledgers)
const MapScreen = lazy(() => import('./ui/map.js'), 'MapScreen', { screen: true });
const Ledgers = lazy(() => import('./ui/ledgers.js'), 'Ledgers', { screen: true });

/** Who reads the month's rankings of the units (考核排名). */
const RANKING_ROLES = ['department_officer', 'supervisor', 'admin'];

function screen(route) {
  const [a, b] = route.params;
  switch (route.name) {
    case 'scan': return html`<${Scan} />`;
    case 'tag': return html`<${TagOpen} key=${a} code=${a} />`;
    case 'site': return html`<${Site} key=${a + b} id=${a} code=${b} />`;
    case 'report': return html`<${Report} key=${a + b} siteId=${a} code=${b} />`;
    case 'inspect': return html`<${StartInspection} key=${a} siteId=${a} templateId=${route.query.get('template')} />`;
    case 'inspection': return html`<${Inspection} key=${a} id=${a} />`;
    case 'correct': return html`<${Correction} key=${a} inspectionId=${a} />`;
    case 'hazard': return html`<${Hazard} key=${a} id=${a} />`;
    case 'hazards': return html`<${Hazards} query=${route.query} />`;
    case 'mine': return html`<${Mine} />`;
    case 'outbox': return html`<${Outbox} />`;
    case 'settings': return html`<${Settings} />`;
    case 'summary': return html`<${Summary} />`;
    case 'rankings': return html`<${Rankings} query=${route.query} />`;
    case 'assessment': return html`<${Assessment} key=${a} id=${a} />`;
    case 'summonses': return html`<${Summonses} />`;
    case 'scorecards': return html`<${Scorecards} query=${route.query} />`;
    case 'dashboard': return html`<${Dashboard} query=${route.query} />`;
    case 'tasks': return a === 'area' ? html`<${AreaTasks} />` : html`<${MyTasks} />`;
    case 'draws': return a === 'new' ? html`<${NewDraw} />` : a ? html`<${DrawDetail} key=${a} id=${a} />` : html`<${Draws} />`;
    case 'conflicts': return html`<${Conflicts} />`;
    case 'warnings':
      if (a === 'issue') return html`<${IssueWarning} key="issue" />`;
      if (a === 'update') return html`<${IssueWarning} key=${`u${b}`} updating=${b} />`;
      return a ? html`<${WarningScreen} key=${a} id=${a} />` : html`<${Warnings} />`;
    case 'incident-new': return html`<${IncidentNew} />`;
    case 'incidents': return html`<${Incidents} />`;
    case 'incident': return html`<${Incident} key=${a} id=${a} />`;
    case 'disasters': return html`<${Disasters} />`;
    case 'disaster': return html`<${Disaster} key=${a} id=${a} query=${route.query} />`;
    case 'admin': return html`<${AdminScreen} key=${route.params.join('/')} section=${a} id=${b} />`;
    case 'map': return html`<${MapScreen} key=${route.query.toString()} query=${route.query} />`;
    case 'ledgers': return html`<${Ledgers} />`;
    default: return html`<${Home} />`;
  }
}

function UpdatePrompt() {
  const [waiting, setWaiting] = useState(false);
  if (!state.update) return null;
  // Let the item on the wire finish first: the new version finds the rest of the outbox in IndexedDB.
  const apply = async () => { setWaiting(true); await outbox.idle(); state.update(); };
  return html`<div class="update" role="status">
    <span>${waiting ? t('updateWaiting') : t('updateReady')}</span>
    <button type="button" class="primary" onClick=${apply} disabled=${waiting}>${t('update')}</button>
  </div>`;
}

export function App() {
  const [, rerender] = useReducer((n) => n + 1, 0);
  useEffect(() => subscribe(rerender), []);
  const route = useRoute();
  const first = useRef(true);
  // Move focus to the new screen's heading, so keyboards and screen readers start at the top.
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    document.querySelector('main h1')?.focus();
  }, [route.name, route.params.join('/')]);

  if (!state.ready) return null;
  if (!state.session || state.needLogin) {
    return html`<${UpdatePrompt} /><${Login} relogin=${!!state.session} />`;
  }
  const roles = rolesOf(state.session.user);
  const links = [['home', '#/', t('navHome')],
    ...(roles.has('grid_worker') || roles.has('enterprise_user') ? [['mine', '#/mine', t('navMine')]] : []),
    ...(OFFICE_ROLES.some((r) => roles.has(r)) ? [['hazards', '#/hazards', t('navHazards')]] : []),
    ...(roles.has('supervisor') || roles.has('admin') ? [['summary', '#/summary', t('navSummary')]] : []),
    ...(RANKING_ROLES.some((r) => roles.has(r)) ? [['rankings', '#/rankings', t('navRankings')]] : []),
    ['warnings', '#/warnings', t('navWarnings')], ['outbox', '#/outbox', t('navOutbox')], ['settings', '#/settings', t('navSettings')]]
    // Seven tabs do not fit a 360 px phone: the outbox goes, as the header's status opens it on every screen.
    .filter(([name], _, all) => all.length <= 6 || name !== 'outbox');
  return html`
    <header class="top">
      <a href="#/" class="brand">${t('appName')}</a>
      <span class=${`net ${state.online ? 'on' : 'off'}`} data-testid="network-status">${state.online ? t('online') : t('offline')}</span>
      <${OutboxStatus} compact />
    </header>
    <${UpdatePrompt} />
    ${route.name !== 'settings' && html`<div class="offline-banner"><${OfflineStatus} once /></div>`}
    ${screen(route)}
    <nav class="bottom" aria-label=${t('mainNav')}>
      ${links.map(([name, href, label]) => html`<a key=${name} href=${href}
        aria-current=${route.name === name || (name === 'home' && route.name === 'home') ? 'page' : undefined}>${label}</a>`)}
    </nav>`;
}
