/** 隐患类别: the categories every report chooses from; add, rename, reorder, switch off and on. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { call } from '../../lib/api.js';
import { AdminHeading, Field, FormMessage, refusal, send } from './common.js';

const FIELDS = ['name_zh', 'name_en', 'position'];

function CategoryRow({ category, onSaved }) {
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState({ name_zh: category.name_zh, name_en: category.name_en });
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const id = `cat-${category.code}`;
  async function patch(body) {
    setBusy(true);
    try {
      const { response } = await call(`hazard-categories/${category.code}`);
      await send(`hazard-categories/${category.code}`, 'PATCH', body, response.headers.get('ETag'));
      setErrors({}); setEditing(false); onSaved();
    } catch (e) { setErrors(refusal(e, FIELDS)); } finally { setBusy(false); }
  }
  const rename = (e) => { e.preventDefault(); patch({ name_zh: form.name_zh, name_en: form.name_en || form.name_zh }); };
  return html`<li class="row item" data-testid="category-row">
    <span class="row-title">${category.name_zh}${!category.active && html` <span class="badge st-attention">${t('adminSwitchedOff')}</span>`}</span>
    ${category.name_en !== category.name_zh && html`<span class="muted small" lang="en">${category.name_en}</span>`}
    ${editing ? html`<form class="stack" onSubmit=${rename} noValidate>
        <${Field} id=${`${id}-zh`} label=${t('adminNameZh')} error=${errors.name_zh}>
          <input id=${`${id}-zh`} maxlength="50" value=${form.name_zh} onInput=${(e) => setForm({ ...form, name_zh: e.currentTarget.value })} /><//>
        <${Field} id=${`${id}-en`} label=${t('adminNameEn')} error=${errors.name_en}>
          <input id=${`${id}-en`} maxlength="80" lang="en" value=${form.name_en} onInput=${(e) => setForm({ ...form, name_en: e.currentTarget.value })} /><//>
        <${FormMessage} errors=${errors} />
        <div class="actions"><button type="submit" class="primary" disabled=${busy}>${t('adminSave')}</button>
          <button type="button" onClick=${() => { setEditing(false); setErrors({}); }}>${t('adminCancel')}</button></div>
      </form>`
    : html`<${FormMessage} errors=${errors} /><div class="actions">
        <button type="button" onClick=${() => setEditing(true)} aria-label=${t('adminRenameOf', { name: category.name_zh })}>${t('adminRename')}</button>
        <button type="button" class=${category.active ? 'danger' : ''} disabled=${busy} onClick=${() => patch({ active: !category.active })}
          aria-label=${t(category.active ? 'adminSwitchOffOf' : 'adminSwitchOnOf', { name: category.name_zh })}>
          ${category.active ? t('adminSwitchOff') : t('adminSwitchOn')}</button></div>`}
  </li>`;
}

export function Categories() {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [form, setForm] = useState({ name_zh: '', name_en: '' });
  const [errors, setErrors] = useState({});
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  const read = () => call('hazard-categories?all=true').then(({ data }) => { setList(data); setError(null); }).catch(setError);
  useEffect(() => { read(); }, []);
  async function add(event) {
    event.preventDefault();
    setBusy(true); setDone(null);
    try {
      const body = { name_zh: form.name_zh, ...(form.name_en.trim() ? { name_en: form.name_en } : {}) };
      const { data } = await send('hazard-categories', 'POST', body);
      setForm({ name_zh: '', name_en: '' }); setErrors({}); setDone(t('adminCategoryAdded', { name: data.name_zh }));
      read();
    } catch (e) { setErrors(refusal(e, FIELDS)); } finally { setBusy(false); }
  }
  return html`<main id="main" class="wide">
    <${AdminHeading} title=${t('adminCategories')} />
    <p class="muted small">${t('adminCategoriesHint')}</p>
    <h2>${t('adminAddCategory')}</h2>
    <form class="stack admin-form" onSubmit=${add} noValidate>
      <${Field} id="nc-zh" label=${t('adminNameZh')} error=${errors.name_zh}>
        <input id="nc-zh" maxlength="50" value=${form.name_zh} onInput=${(e) => setForm({ ...form, name_zh: e.currentTarget.value })} /><//>
      <${Field} id="nc-en" label=${t('adminNameEnOptional')} error=${errors.name_en}>
        <input id="nc-en" maxlength="80" lang="en" value=${form.name_en} onInput=${(e) => setForm({ ...form, name_en: e.currentTarget.value })} /><//>
      <${FormMessage} errors=${errors} done=${done} />
      <button type="submit" class="primary big" disabled=${busy}>${t('adminAdd')}</button>
    </form>
    <h2>${t('adminCategoryList')}</h2>
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${list === null && !error ? html`<p class="muted">${t('adminLoading')}</p>`
      : html`<ul class="list">${(list || []).map((c) => html`<${CategoryRow} key=${c.code} category=${c} onSaved=${read} />`)}</ul>`}
  </main>`;
}
