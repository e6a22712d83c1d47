/** 用户管理: the users of the admin's scope (search, filters), a new user with roles, an edit, a password reset, deactivation. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { navigate } from '../../router.js';
import {
  AdminHeading, AreaPicker, EnterprisePicker, Field, FormMessage, ListState, MoreButton, query, refusal,
  send, termName, terms, usePaged, useRecord, wide,
} from './common.js';

/** A role as held ({role, area, enterprise, sector}) in words: 社区网格员 · 民意街道… */
export function roleText(r) {
  const where = r.enterprise?.name || r.area?.name || '';
  return [termName('roles', r.role), r.sector ? termName('sectors', r.sector) : '', where].filter(Boolean).join(' · ');
}

export function Users() {
  const [q, setQ] = useState('');
  const [role, setRole] = useState('');
  const [areaId, setAreaId] = useState(null);
  const [active, setActive] = useState('');
  const page = usePaged(`users?${query({ q: q.trim(), role, area_id: areaId, is_active: active })}`);
  return html`<main id="main" class="wide">
    <${AdminHeading} title=${t('adminUsers')} />
    <a class="button primary" href="#/admin/users/new">${t('adminNewUser')}</a>
    <form class="search-line" role="search" onSubmit=${(e) => e.preventDefault()}>
      <${Field} id="user-q" label=${t('adminSearchUsers')}>
        <input id="user-q" type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} /><//>
    </form>
    <details class="more-filters" open=${wide()}>
      <summary>${t('adminFilters')}${role || active || areaId ? ` · ${t('adminFiltersOn')}` : ''}</summary>
      <div class="filters">
      <${Field} id="user-role" label=${t('adminRole')}>
        <select id="user-role" value=${role} onChange=${(e) => setRole(e.currentTarget.value)}>
          <option value="">${t('adminAll')}</option>
          ${terms('roles').map((r) => html`<option key=${r.code} value=${r.code}>${termName('roles', r.code)}</option>`)}
        </select><//>
      <${Field} id="user-active" label=${t('adminState')}>
        <select id="user-active" value=${active} onChange=${(e) => setActive(e.currentTarget.value)}>
          <option value="">${t('adminAll')}</option><option value="true">${t('adminActive')}</option>
          <option value="false">${t('adminInactive')}</option>
        </select><//>
      <${AreaPicker} id="user-area" label=${t('adminArea')} levels=${['street', 'community', 'grid']} value=${areaId}
        onChange=${(id) => setAreaId(id)} />
      </div>
    </details>
    <${ListState} page=${page} empty=${t('adminNoUsers')} />
    <ul class="list cards">${(page.items || []).map((u) => html`<li key=${u.id} class="row"><a href=${`#/admin/users/${u.id}`}>
      <span class="row-title">${u.name}${!u.is_active && html` <span class="badge st-attention">${t('adminInactive')}</span>`}</span>
      <span class="row-desc">${u.username}${u.phone ? ` · ${u.phone}` : ''}</span>
      <span class="small">${u.roles.map(roleText).join('；')}</span></a></li>`)}</ul>
    <${MoreButton} page=${page} />
  </main>`;
}

const specOf = (r) => ({ role: r.role, area_id: r.area?.id ?? r.area_id ?? null, enterprise_id: r.enterprise?.id ?? r.enterprise_id ?? null,
  sector: r.sector ?? null, area: r.area ?? null, enterprise: r.enterprise ?? null });

/** What the API takes for a role: the scope its kind needs, nothing more. */
function wire(spec) {
  const kind = terms('roles').find((r) => r.code === spec.role)?.scope;
  if (kind === 'enterprise') return { role: spec.role, enterprise_id: spec.enterprise_id };
  if (kind === 'sector') return { role: spec.role, area_id: spec.area_id, sector: spec.sector };
  return { role: spec.role, area_id: spec.area_id };
}

/** The roles being given: each with its scope, as its kind asks for (an area of its levels, a sector, an enterprise). */
function RolesEditor({ roles, setRoles, errors }) {
  const change = (i, patch) => setRoles(roles.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return html`<fieldset class="roles">
    <legend>${t('adminRoles')}</legend>
    ${errors['roles.0.roles'] && html`<p class="error small" role="alert">${errors['roles.0.roles']}</p>`}
    ${roles.map((r, i) => {
      const term = terms('roles').find((x) => x.code === r.role);
      const err = (f) => errors[`roles.${i}.${f}`];
      return html`<div class="role-card" key=${i}>
        <${Field} id=${`role-${i}`} label=${t('adminRoleN', { n: i + 1 })} error=${err('role')}>
          <select id=${`role-${i}`} value=${r.role} onChange=${(e) => change(i, { role: e.currentTarget.value, area_id: null, area: null })}>
            ${terms('roles').map((x) => html`<option key=${x.code} value=${x.code}>${termName('roles', x.code)}</option>`)}
          </select><//>
        ${term?.scope === 'sector' && html`<${Field} id=${`role-${i}-sector`} label=${t('adminSector')} error=${err('sector')}>
          <select id=${`role-${i}-sector`} value=${r.sector || ''} onChange=${(e) => change(i, { sector: e.currentTarget.value || null })}>
            <option value="">${t('adminChoose')}</option>
            ${terms('sectors').map((x) => html`<option key=${x.code} value=${x.code}>${termName('sectors', x.code)}</option>`)}
          </select><//>`}
        ${term?.scope === 'enterprise'
          ? html`<${EnterprisePicker} id=${`role-${i}-enterprise`} label=${t('adminEnterprise')} value=${r.enterprise_id}
              current=${r.enterprise} error=${err('enterprise_id')} onChange=${(id) => change(i, { enterprise_id: id })} />`
          : html`<${AreaPicker} id=${`role-${i}-area`} label=${t('adminRoleArea')} levels=${term?.area_levels?.length ? term.area_levels : ['street']}
              value=${r.area_id} current=${r.area} error=${err('area_id')} onChange=${(id, area) => change(i, { area_id: id, area })} />`}
        ${roles.length > 1 && html`<button type="button" class="danger" onClick=${() => setRoles(roles.filter((_, j) => j !== i))}>
          ${t('adminRemoveRole')}</button>`}
      </div>`;
    })}
    <button type="button" onClick=${() => setRoles([...roles, { role: 'grid_worker', area_id: null }])}>${t('adminAddRole')}</button>
  </fieldset>`;
}

const USER_FIELDS = ['username', 'phone', 'name', 'password', 'is_active'];

export function NewUser() {
  const [form, setForm] = useState({ name: '', username: '', phone: '', password: '' });
  const [roles, setRoles] = useState([{ role: 'grid_worker', area_id: null }]);
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (key) => (e) => setForm({ ...form, [key]: e.currentTarget.value });
  async function save(event) {
    event.preventDefault();
    setBusy(true);
    try {
      const body = { ...form, phone: form.phone.trim() || null, roles: roles.map(wire) };
      const { data } = await send('users', 'POST', body);
      navigate(`/admin/users/${data.id}`, { replace: true });
    } catch (e) { setErrors(refusal(e, USER_FIELDS)); } finally { setBusy(false); }
  }
  return html`<main id="main" class="wide">
    <${AdminHeading} title=${t('adminNewUser')} back="#/admin/users" />
    <form class="stack admin-form" onSubmit=${save} noValidate>
      <${Field} id="nu-name" label=${t('adminName')} error=${errors.name}>
        <input id="nu-name" required maxlength="50" value=${form.name} onInput=${set('name')} /><//>
      <${Field} id="nu-username" label=${t('adminUsername')} error=${errors.username} hint=${t('adminUsernameHint')}>
        <input id="nu-username" required autocapitalize="none" autocomplete="off" value=${form.username} onInput=${set('username')} /><//>
      <${Field} id="nu-phone" label=${t('adminPhone')} error=${errors.phone}>
        <input id="nu-phone" type="tel" inputmode="numeric" value=${form.phone} onInput=${set('phone')} /><//>
      <${Field} id="nu-password" label=${t('adminInitialPassword')} error=${errors.password} hint=${t('adminPasswordHint')}>
        <input id="nu-password" type="text" autocomplete="new-password" value=${form.password} onInput=${set('password')} /><//>
      <${RolesEditor} roles=${roles} setRoles=${setRoles} errors=${errors} />
      <${FormMessage} errors=${errors} />
      <button type="submit" class="primary big" disabled=${busy}>${busy ? t('saving') : t('adminCreate')}</button>
    </form>
  </main>`;
}

export function EditUser({ id }) {
  const record = useRecord(`users/${id}`);
  if (record.error) return html`<main id="main"><${AdminHeading} title=${t('adminUsers')} back="#/admin/users" />
    <p class="error" role="alert">${record.error.message}</p></main>`;
  if (!record.data) return html`<main id="main"><p class="muted">${t('adminLoading')}</p></main>`;
  return html`<${UserEditor} key=${record.data.id} record=${record} />`;
}

function UserEditor({ record }) {
  const user = record.data;
  const [form, setForm] = useState({ name: user.name, phone: user.phone || '' });
  const [roles, setRoles] = useState(user.roles.map(specOf));
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState({});
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  const [part, setPart] = useState('details'); // which of the three forms was sent: its answer shows under it
  async function patch(body, message, which) {
    setBusy(true); setDone(null); setPart(which);
    try {
      const { data, etag } = await send(`users/${user.id}`, 'PATCH', body, record.etag);
      setErrors({});
      record.set(data, etag);
      setDone(message);
    } catch (e) { setErrors(refusal(e, USER_FIELDS)); } finally { setBusy(false); }
  }
  const held = JSON.stringify(user.roles.map(specOf).map(wire));
  // Roles are sent only when changed: those held outside the admin's scope are not theirs to send (the API keeps them).
  const save = (e) => {
    e.preventDefault();
    const sent = roles.map(wire);
    patch({ name: form.name, phone: form.phone.trim() || null, ...(JSON.stringify(sent) === held ? {} : { roles: sent }) }, t('adminSaved'), 'details');
  };
  const reset = (e) => { e.preventDefault(); patch({ password }, t('adminPasswordReset'), 'password'); };
  const toggle = () => {
    if (user.is_active && !confirm(t('adminDeactivateConfirm', { name: user.name }))) return;
    patch({ is_active: !user.is_active }, user.is_active ? t('adminDeactivated') : t('adminReactivated'), 'account');
  };
  return html`<main id="main" class="wide">
    <${AdminHeading} title=${user.name} back="#/admin/users" />
    <p class="muted">${user.username}${!user.is_active && html` · <span class="badge st-attention">${t('adminInactive')}</span>`}</p>
    <form class="stack admin-form" onSubmit=${save} noValidate>
      <${Field} id="eu-name" label=${t('adminName')} error=${errors.name}>
        <input id="eu-name" maxlength="50" value=${form.name} onInput=${(e) => setForm({ ...form, name: e.currentTarget.value })} /><//>
      <${Field} id="eu-phone" label=${t('adminPhone')} error=${errors.phone}>
        <input id="eu-phone" type="tel" inputmode="numeric" value=${form.phone} onInput=${(e) => setForm({ ...form, phone: e.currentTarget.value })} /><//>
      <${RolesEditor} roles=${roles} setRoles=${setRoles} errors=${errors} />
      <p class="muted small">${t('adminRolesKept')}</p>
      <button type="submit" class="primary big" disabled=${busy}>${t('adminSave')}</button>
      ${part === 'details' && html`<${FormMessage} errors=${errors} done=${done} />`}
    </form>
    <h2>${t('adminResetPassword')}</h2>
    <form class="stack admin-form" onSubmit=${reset} noValidate>
      <${Field} id="eu-password" label=${t('adminNewPassword')} error=${errors.password} hint=${t('adminPasswordHint')}>
        <input id="eu-password" type="text" autocomplete="new-password" value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} /><//>
      <button type="submit" disabled=${busy || !password}>${t('adminResetPassword')}</button>
      ${part === 'password' && html`<${FormMessage} errors=${errors} done=${done} />`}
    </form>
    <h2>${t('adminAccount')}</h2>
    <p class="small muted">${user.is_active ? t('adminDeactivateHint') : t('adminReactivateHint')}</p>
    <button type="button" class=${user.is_active ? 'danger' : 'primary'} onClick=${toggle} disabled=${busy}>
      ${user.is_active ? t('adminDeactivate') : t('adminReactivate')}</button>
    ${part === 'account' && html`<${FormMessage} errors=${errors} done=${done} />`}
  </main>`;
}
