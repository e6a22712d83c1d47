/** 报告隐患: category buttons, level (一般 by default), photos, optional description, save. Works offline. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { localIso } from '../lib/clock.js';
import { position, whereText } from '../lib/geo.js';
import { navigate } from '../router.js';
import { flash, reportHazard, state } from '../store.js';
import { categoryName } from './parts.js';
import { PhotoPicker } from './photo-picker.js';

/** The grid to report in when there is no known site: the reporter's own grid. */
const ownGridArea = () => state.session.user.roles.find((r) => r.area?.level === 'grid')?.area ?? null;
const ownGrid = () => ownGridArea()?.id ?? null;

export function Report({ siteId, code }) {
  const site = siteId && siteId !== '-' ? state.sites.find((s) => s.id === siteId) : null;
  const [category, setCategory] = useState(null);
  const [level, setLevel] = useState('general');
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState([]);
  const [fix, setFix] = useState(null);
  const [observedAt] = useState(() => localIso()); // when the report is made, not when it is sent
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { position().then(setFix); }, []);

  async function save(event) {
    event.preventDefault();
    if (!category) { setError(t('chooseCategory')); return; }
    setBusy(true);
    const text = description.trim()
      || [categoryName(category), code ? `（${code}）` : ''].join('');
    await reportHazard({ siteId: site?.id, gridId: site ? null : ownGrid(), category, level, description: text,
      photos, fix: photos[0]?.position || fix, observedAt });
    photos.forEach((p) => URL.revokeObjectURL(p.previewUrl));
    flash(t('savedQueued'));
    navigate(site ? `/site/${site.id}` : `/site/-/${code}`, { replace: true });
  }

  return html`<main id="main">
    <h1 tabindex="-1">${t('reportTitle')}</h1>
    ${site && html`<p class="muted">${site.name}</p>`}
    <form onSubmit=${save} class="stack">
      <fieldset class="tiles">
        <legend>${t('category')}</legend>
        ${state.categories.map((c) => html`<span class="tile" key=${c.code}>
          <input type="radio" name="category" id=${`cat-${c.code}`} value=${c.code} checked=${category === c.code}
            onChange=${() => { setCategory(c.code); setError(null); }} />
          <label for=${`cat-${c.code}`}>${categoryName(c.code)}</label></span>`)}
      </fieldset>
      <fieldset class="tiles two">
        <legend>${t('level')}</legend>
        ${[['general', t('levelGeneral')], ['major', t('levelMajor')]].map(([value, label]) => html`<span class="tile" key=${value}>
          <input type="radio" name="level" id=${`level-${value}`} value=${value} checked=${level === value}
            onChange=${() => setLevel(value)} />
          <label for=${`level-${value}`}>${label}</label></span>`)}
      </fieldset>
      <${PhotoPicker} id="report-photo" label=${t('takePhoto')} photos=${photos} setPhotos=${setPhotos} />
      <label for="report-description">${t('description')}</label>
      <textarea id="report-description" rows="3" maxlength="2000" placeholder=${t('descriptionHint')}
        value=${description} onInput=${(e) => setDescription(e.currentTarget.value)}></textarea>
      <p class="muted small" data-testid="report-location">${t('location')}: ${whereText({ fix: photos[0]?.position || fix, site,
        gridName: ownGridArea()?.name })}</p>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <button type="submit" class="primary huge" disabled=${busy}>${busy ? t('saving') : t('save')}</button>
    </form>
  </main>`;
}
