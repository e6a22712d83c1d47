/** 打印标签: A4 sheets of QR labels for an area (street, community, grid) or for chosen sites, as a PDF to open or save. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { API, ApiError, rawFetch, readError } from '../../lib/api.js';
import { saveFile } from '../documents.js';
import { AdminHeading, AreaPicker, Field, FormMessage, query, refusal, usePaged } from './common.js';

/** Ask for the label sheet ({area_id} or {site_ids}) with the token, and hand the PDF to the browser (documents.js). */
export async function printLabels(body) {
  let response;
  try {
    response = await rawFetch(`${API}/labels`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, { message: String(error?.message || error) });
  }
  if (!response.ok) throw await readError(response);
  saveFile(await response.blob(), t('adminLabelsFile'));
}

export function Labels() {
  const [mode, setMode] = useState('area');
  const [areaId, setAreaId] = useState(null);
  const [q, setQ] = useState('');
  const [chosen, setChosen] = useState(new Set());
  const [errors, setErrors] = useState({});
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  const page = usePaged(`sites?${query({ q: q.trim() })}`, 50);
  const toggle = (id) => { const next = new Set(chosen); if (next.has(id)) next.delete(id); else next.add(id); setChosen(next); };
  async function print(event) {
    event.preventDefault();
    if (mode === 'area' && !areaId) { setErrors({ area_id: t('adminChooseArea') }); return; }
    if (mode === 'sites' && !chosen.size) { setErrors({ site_ids: t('adminChooseSites') }); return; }
    setBusy(true); setDone(null); setErrors({});
    try {
      await printLabels(mode === 'area' ? { area_id: areaId } : { site_ids: [...chosen] });
      setDone(t('adminLabelsReady'));
    } catch (e) { setErrors(refusal(e, ['area_id', 'site_ids'])); } finally { setBusy(false); }
  }
  return html`<main id="main" class="wide">
    <${AdminHeading} title=${t('adminLabels')} />
    <p class="muted small">${t('adminLabelsHint')}</p>
    <form class="stack admin-form" onSubmit=${print} noValidate>
      <fieldset class="tiles two"><legend>${t('adminLabelsFor')}</legend>
        ${[['area', t('adminLabelsArea')], ['sites', t('adminLabelsSites')]].map(([value, label]) => html`<span class="tile" key=${value}>
          <input type="radio" name="label-mode" id=${`label-mode-${value}`} checked=${mode === value} onChange=${() => { setMode(value); setErrors({}); }} />
          <label for=${`label-mode-${value}`}>${label}</label></span>`)}
      </fieldset>
      ${mode === 'area'
        ? html`<${AreaPicker} id="label-area" label=${t('adminArea')} levels=${['street', 'community', 'grid']} value=${areaId}
            error=${errors.area_id} onChange=${(id) => { setAreaId(id); setErrors({}); }} />`
        : html`<fieldset class="field"><legend>${t('adminChosenSites', { n: chosen.size })}</legend>
            <${Field} id="label-q" label=${t('adminSearchSites')}>
              <input id="label-q" type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} /><//>
            <ul class="list checks">${(page.items || []).map((s) => html`<li key=${s.id}><label class="check">
              <input type="checkbox" checked=${chosen.has(s.id)} onChange=${() => toggle(s.id)} />
              <span>${s.name}<span class="muted small"> · ${s.grid?.name || ''}</span></span></label></li>`)}</ul>
            ${errors.site_ids && html`<p class="error small" role="alert">${errors.site_ids}</p>`}
          </fieldset>`}
      <${FormMessage} errors=${errors} done=${done} />
      <button type="submit" class="primary big" disabled=${busy} aria-busy=${busy}>${busy ? t('adminPrinting') : t('adminPrint')}</button>
    </form>
  </main>`;
}
