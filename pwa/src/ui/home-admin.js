/** 系统管理员的首页: what there is to administer, one large target each. */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';

const SECTIONS = [
  ['#/admin/users', 'adminUsers', 'adminUsersHint'],
  ['#/admin/sites', 'adminSites', 'adminSitesHint'],
  ['#/admin/enterprises', 'adminEnterprises', 'adminEnterprisesHint'],
  ['#/admin/labels', 'adminLabels', 'adminLabelsHome'],
  ['#/admin/categories', 'adminCategories', 'adminCategoriesHome'],
];

export function AdminHome() {
  return html`<section aria-labelledby="h-admin"><h2 id="h-admin">${t('adminTitle')}</h2>
    <ul class="list admin-menu">${SECTIONS.map(([href, title, hint]) => html`<li key=${href} class="row"><a href=${href}>
      <span class="row-title">${t(title)}</span><span class="row-desc">${t(hint)}</span></a></li>`)}</ul>
  </section>`;
}
