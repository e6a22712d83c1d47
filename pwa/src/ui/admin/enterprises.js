/** 企业管理: the enterprises of the admin's scope (search by name or credit code), a new one, an edit. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { navigate } from '../../router.js';
import {
  AdminHeading, AreaPicker, Field, FormMessage, ListState, MoreButton, query, refusal, send, termName, terms, usePaged,
  useRecord,
} from './common.js';

export function Enterprises() {
  const [q, setQ] = useState('');
  const page = usePaged(`enterprises?${query({ q: q.trim() })}`);
  return html`<main id="main" class="wide">
    <${AdminHeading} title=${t('adminEnterprises')} />
    <div class="actions"><a class="button primary" href="#/admin/enterprises/new">${t('adminNewEnterprise')}</a>
      <a class="button" href="#/admin/sites">${t('adminSites')}</a></div>
    <form class="search-line" role="search" onSubmit=${(e) => e.preventDefault()}>
      <${Field} id="ent-q" label=${t('adminSearchEnterprises')}>
        <input id="ent-q" type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} /><//>
    </form>
    <${ListState} page=${page} empty=${t('adminNoEnterprises')} />
    <ul class="list cards">${(page.items || []).map((x) => html`<li key=${x.id} class="row"><a href=${`#/admin/enterprises/${x.id}`}>
      <span class="row-title">${x.name}</span>
      <span class="row-desc">${termName('sectors', x.sector)} · ${x.area?.name || ''} · ${x.uscc}</span></a></li>`)}</ul>
    <${MoreButton} page=${page} />
  </main>`;
}

const FIELDS = ['name', 'uscc', 'sector', 'supervising_department', 'above_designated_size', 'address', 'area_id'];

export function EnterpriseForm({ id }) {
  const record = useRecord(id ? `enterprises/${id}` : null);
  if (id && record.error) return html`<main id="main"><${AdminHeading} title=${t('adminEnterprises')} back="#/admin/enterprises" />
    <p class="error" role="alert">${record.error.message}</p></main>`;
  if (id && !record.data) return html`<main id="main"><p class="muted">${t('adminLoading')}</p></main>`;
  return html`<${EnterpriseEditor} key=${id || 'new'} record=${id ? record : null} />`;
}

function EnterpriseEditor({ record }) {
  const found = record?.data;
  const [form, setForm] = useState({
    name: found?.name || '', uscc: found?.uscc || '', sector: found?.sector || terms('sectors')[0]?.code || '',
    address: found?.address || '', area_id: found?.area?.id ?? null, above_designated_size: !!found?.above_designated_size,
  });
  const [errors, setErrors] = useState({});
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (key) => (e) => setForm({ ...form, [key]: e.currentTarget.value });
  async function save(event) {
    event.preventDefault();
    setBusy(true); setDone(null);
    try {
      if (found) {
        const { data, etag } = await send(`enterprises/${found.id}`, 'PATCH', form, record.etag);
        record.set(data, etag); setErrors({}); setDone(t('adminSaved'));
      } else {
        const { data } = await send('enterprises', 'POST', form);
        navigate(`/admin/enterprises/${data.id}`, { replace: true });
      }
    } catch (e) { setErrors(refusal(e, FIELDS)); } finally { setBusy(false); }
  }
  return html`<main id="main" class="wide">
    <${AdminHeading} title=${found ? found.name : t('adminNewEnterprise')} back="#/admin/enterprises" />
    <${FormMessage} errors=${errors} done=${done} />
    <form class="stack admin-form" onSubmit=${save} noValidate>
      <${Field} id="e-name" label=${t('adminEnterpriseName')} error=${errors.name}>
        <input id="e-name" maxlength="200" value=${form.name} onInput=${set('name')} /><//>
      <${Field} id="e-uscc" label=${t('adminUscc')} error=${errors.uscc} hint=${t('adminUsccHint')}>
        <input id="e-uscc" maxlength="18" autocapitalize="characters" spellcheck="false" value=${form.uscc} onInput=${set('uscc')} /><//>
      <${Field} id="e-sector" label=${t('adminSector')} error=${errors.sector}>
        <select id="e-sector" value=${form.sector} onChange=${set('sector')}>
          ${terms('sectors').map((x) => html`<option key=${x.code} value=${x.code}>${termName('sectors', x.code)}</option>`)}
        </select><//>
      <label class="check"><input type="checkbox" checked=${form.above_designated_size}
        onChange=${(e) => setForm({ ...form, above_designated_size: e.currentTarget.checked })} /> ${t('adminAboveSize')}</label>
      <${Field} id="e-address" label=${t('adminAddress')} error=${errors.address}>
        <input id="e-address" maxlength="300" value=${form.address} onInput=${set('address')} /><//>
      <${AreaPicker} id="e-area" label=${t('adminEnterpriseArea')} levels=${['street', 'community', 'grid']} value=${form.area_id}
        current=${found?.area} error=${errors.area_id} onChange=${(areaId) => setForm({ ...form, area_id: areaId })} />
      <button type="submit" class="primary big" disabled=${busy}>${found ? t('adminSave') : t('adminCreate')}</button>
    </form>
  </main>`;
}
