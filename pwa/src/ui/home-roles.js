/**
 * The homes of every role but the grid worker's, one chunk that src/ui/home.js loads when such a home first opens:
 * a grid worker's phone never needs them, and the service worker precaches them for those who do.
 */
export { AdminHome } from './home-admin.js';
export { DepartmentHome } from './home-department.js';
export { EnforcementHome } from './home-enforcement.js';
export { EnterpriseHome } from './home-enterprise.js';
export { ExpertHome } from './home-expert.js';
export { StationHome } from './home-station.js';
export { SupervisorHome } from './home-supervisor.js';
export { SummaryHeadline } from './summary.js';
