/** The admin's screens by route: #/admin/<section>[/<id>|/new]. For the admin role only. */
import { html } from 'htm/preact';
import { t } from '../../i18n/index.js';
import { state } from '../../store.js';
import { rolesOf } from '../home.js';
import { Categories } from './categories.js';
import { EnterpriseForm, Enterprises } from './enterprises.js';
import { Labels } from './labels.js';
import { SiteForm, Sites } from './sites.js';
import { EditUser, NewUser, Users } from './users.js';

export function AdminScreen({ section, id }) {
  if (!rolesOf(state.session.user).has('admin')) {
    return html`<main id="main"><h1 tabindex="-1">${t('adminTitle')}</h1><p>${t('adminOnly')}</p></main>`;
  }
  const record = id && id !== 'new' ? id : null;
  switch (section) {
    case 'users': return id === 'new' ? html`<${NewUser} />` : record ? html`<${EditUser} id=${record} />` : html`<${Users} />`;
    case 'sites': return id ? html`<${SiteForm} id=${record} />` : html`<${Sites} />`;
    case 'enterprises': return id ? html`<${EnterpriseForm} id=${record} />` : html`<${Enterprises} />`;
    case 'labels': return html`<${Labels} />`;
    case 'categories': return html`<${Categories} />`;
    default: return html`<main id="main"><h1 tabindex="-1">${t('adminTitle')}</h1><p><a href="#/">${t('adminBack')}</a></p></main>`;
  }
}
