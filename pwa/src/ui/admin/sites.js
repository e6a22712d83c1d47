/** 场所管理: the sites of the admin's scope (search), a new site, an edit, and its tag (二维码): shown, reissued, revoked. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { formatTime, t } from '../../i18n/index.js';
import { position } from '../../lib/geo.js';
import { navigate } from '../../router.js';
import {
  AdminHeading, AreaPicker, EnterprisePicker, Field, FormMessage, ListState, MoreButton, query, refusal, send, termName,
  terms, usePaged, useRecord,
} from './common.js';
import { printLabels } from './labels.js';

export function Sites() {
  const [q, setQ] = useState('');
  const page = usePaged(`sites?${query({ q: q.trim() })}`);
  return html`<main id="main" class="wide">
    <${AdminHeading} title=${t('adminSites')} />
    <div class="actions"><a class="button primary" href="#/admin/sites/new">${t('adminNewSite')}</a>
      <a class="button" href="#/admin/enterprises">${t('adminEnterprises')}</a></div>
    <form class="search-line" role="search" onSubmit=${(e) => e.preventDefault()}>
      <${Field} id="site-q" label=${t('adminSearchSites')}>
        <input id="site-q" type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} /><//>
    </form>
    <${ListState} page=${page} empty=${t('noSites')} />
    <ul class="list cards">${(page.items || []).map((s) => html`<li key=${s.id} class="row"><a href=${`#/admin/sites/${s.id}`}>
      <span class="row-title">${s.name}</span>
      <span class="row-desc">${termName('site_types', s.type)} · ${s.grid?.name || ''} · ${s.address}</span></a></li>`)}</ul>
    <${MoreButton} page=${page} />
  </main>`;
}

const SITE_FIELDS = ['name', 'type', 'enterprise_id', 'address', 'latitude', 'longitude', 'grid_id', 'risk_level'];

/** A new site (siteId absent) or an edit of one; below an edit, its tag. */
export function SiteForm({ id }) {
  const record = useRecord(id ? `sites/${id}` : null);
  if (id && record.error) return html`<main id="main"><${AdminHeading} title=${t('adminSites')} back="#/admin/sites" />
    <p class="error" role="alert">${record.error.message}</p></main>`;
  if (id && !record.data) return html`<main id="main"><p class="muted">${t('adminLoading')}</p></main>`;
  return html`<${SiteEditor} key=${id || 'new'} record=${id ? record : null} />`;
}

function SiteEditor({ record }) {
  const site = record?.data;
  const [form, setForm] = useState({
    name: site?.name || '', type: site?.type || terms('site_types')[0]?.code || '', address: site?.address || '',
    latitude: site?.latitude ?? '', longitude: site?.longitude ?? '', grid_id: site?.grid?.id ?? null,
    enterprise_id: site?.enterprise?.id ?? null, risk_level: site?.risk_level || 'general',
  });
  const [errors, setErrors] = useState({});
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (key) => (e) => setForm({ ...form, [key]: e.currentTarget.value });
  const here = async () => {
    const fix = await position({ maxAgeMs: 0 });
    if (fix) setForm({ ...form, latitude: fix.latitude.toFixed(6), longitude: fix.longitude.toFixed(6) });
    else setErrors({ ...errors, latitude: t('adminNoFix') });
  };
  async function save(event) {
    event.preventDefault();
    setBusy(true); setDone(null);
    const num = (v) => (v === '' ? null : Number(v));
    const body = { ...form, latitude: num(form.latitude), longitude: num(form.longitude) };
    try {
      if (site) {
        const { data, etag } = await send(`sites/${site.id}`, 'PATCH', body, record.etag);
        record.set(data, etag); setErrors({}); setDone(t('adminSaved'));
      } else {
        const { data } = await send('sites', 'POST', body);
        navigate(`/admin/sites/${data.id}`, { replace: true });
      }
    } catch (e) { setErrors(refusal(e, SITE_FIELDS)); } finally { setBusy(false); }
  }
  return html`<main id="main" class="wide">
    <${AdminHeading} title=${site ? site.name : t('adminNewSite')} back="#/admin/sites" />
    <${FormMessage} errors=${errors} done=${done} />
    <form class="stack admin-form" onSubmit=${save} noValidate>
      <${Field} id="s-name" label=${t('adminSiteName')} error=${errors.name}>
        <input id="s-name" maxlength="200" value=${form.name} onInput=${set('name')} /><//>
      <${Field} id="s-type" label=${t('adminSiteType')} error=${errors.type}>
        <select id="s-type" value=${form.type} onChange=${set('type')}>
          ${terms('site_types').map((x) => html`<option key=${x.code} value=${x.code}>${termName('site_types', x.code)}</option>`)}
        </select><//>
      <${Field} id="s-risk" label=${t('adminRiskLevel')} error=${errors.risk_level}>
        <select id="s-risk" value=${form.risk_level} onChange=${set('risk_level')}>
          ${terms('risk_levels').map((x) => html`<option key=${x.code} value=${x.code}>${termName('risk_levels', x.code)}</option>`)}
        </select><//>
      <${Field} id="s-address" label=${t('adminAddress')} error=${errors.address}>
        <input id="s-address" maxlength="300" value=${form.address} onInput=${set('address')} /><//>
      <div class="two-col">
        <${Field} id="s-lat" label=${t('adminLatitude')} error=${errors.latitude}>
          <input id="s-lat" inputmode="decimal" value=${form.latitude} onInput=${set('latitude')} /><//>
        <${Field} id="s-lng" label=${t('adminLongitude')} error=${errors.longitude}>
          <input id="s-lng" inputmode="decimal" value=${form.longitude} onInput=${set('longitude')} /><//>
      </div>
      <button type="button" onClick=${here}>${t('adminUseHere')}</button>
      <${AreaPicker} id="s-grid" label=${t('adminGrid')} levels=${['grid']} value=${form.grid_id} current=${site?.grid}
        error=${errors.grid_id} onChange=${(gridId) => setForm({ ...form, grid_id: gridId })} />
      <${EnterprisePicker} id="s-enterprise" label=${t('adminSiteEnterprise')} optional value=${form.enterprise_id}
        current=${site?.enterprise} error=${errors.enterprise_id} onChange=${(eid) => setForm({ ...form, enterprise_id: eid })} />
      <button type="submit" class="primary big" disabled=${busy}>${site ? t('adminSave') : t('adminCreate')}</button>
    </form>
    ${site && html`<${SiteTag} site=${site} />`}
  </main>`;
}

/** The site's tag: its code and when it was issued; reissue (the old one stops working), revoke, print its label. */
function SiteTag({ site }) {
  const tag = useRecord(`sites/${site.id}/tag`);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState({});
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  const [revoked, setRevoked] = useState(false); // the tag the admin just revoked: the site has no live one now
  const none = tag.error?.status === 404;
  async function act(work, message) {
    setBusy(true); setDone(null);
    try { await work(); setErrors({}); setDone(message); await tag.reload(); } catch (e) { setErrors(refusal(e, ['reason'])); } finally { setBusy(false); }
  }
  const issue = () => {
    if (!none && !confirm(t('adminReissueConfirm'))) return;
    setRevoked(false);
    act(() => send(`sites/${site.id}/tag`, 'POST', undefined), none ? t('adminTagIssued') : t('adminTagReissued'));
  };
  const revoke = (e) => {
    e.preventDefault();
    act(async () => { await send(`tags/${tag.data.serial}`, 'DELETE', { reason }, tag.etag); setRevoked(true); setReason(''); },
      t('adminTagRevoked'));
  };
  const live = tag.data && !tag.data.revoked_at;
  return html`<section aria-labelledby="h-tag"><h2 id="h-tag">${t('adminTag')}</h2>
    <${FormMessage} errors=${errors} done=${done} />
    ${live ? html`<dl class="facts"><dt>${t('adminTagCode')}</dt><dd class="tag-code">${tag.data.code}</dd>
        <dt>${t('adminTagIssuedAt')}</dt><dd>${formatTime(tag.data.issued_at, { year: true })}</dd></dl>`
      : html`<p class="muted">${revoked ? t('adminTagIsRevoked') : t('adminNoTag')}</p>`}
    <div class="actions">
      <button type="button" onClick=${issue} disabled=${busy}>${live ? t('adminReissue') : t('adminIssue')}</button>
      <button type="button" onClick=${() => act(() => printLabels({ site_ids: [site.id] }), t('adminLabelsReady'))} disabled=${busy}>
        ${t('adminPrintOne')}</button>
    </div>
    ${live && html`<form class="stack admin-form" onSubmit=${revoke} noValidate>
      <${Field} id="tag-reason" label=${t('adminRevokeReason')} error=${errors.reason} hint=${t('adminRevokeHint')}>
        <input id="tag-reason" maxlength="200" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} /><//>
      <button type="submit" class="danger" disabled=${busy || !reason.trim()}>${t('adminRevoke')}</button>
    </form>`}
  </section>`;
}
