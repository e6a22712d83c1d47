/**
 * The camera button: each photo is resized and stamped with time and place the moment it is taken. A photo already
 * on the server (a corrected revision's) shows the server's copy.
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { preparePhoto } from '../lib/photo.js';
import { position } from '../lib/geo.js';
import { uuid } from '../lib/ids.js';
import { Photo } from './parts.js';

export function PhotoPicker({ id, label, photos, setPhotos, size = 'big' }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const urls = photos.map((p) => p.previewUrl);

  async function onChange(event) {
    const files = [...event.currentTarget.files];
    event.currentTarget.value = '';
    if (!files.length) return;
    setBusy(true);
    setError(null);
    try {
      const takenAt = new Date();
      const fix = await position({ timeoutMs: 3000 });
      const added = [];
      for (const file of files) {
        const prepared = await preparePhoto(file, { takenAt, position: fix });
        added.push({ ...prepared, id: uuid(), previewUrl: URL.createObjectURL(new Blob([prepared.bytes], { type: prepared.type })) });
      }
      setPhotos([...photos, ...added]);
    } catch (e) {
      setError(t('photoFailed', { msg: e.message }));
    } finally {
      setBusy(false);
    }
  }

  const remove = (index) => {
    URL.revokeObjectURL(urls[index]);
    setPhotos(photos.filter((_, i) => i !== index));
  };

  return html`<div class="photo-picker">
    <input id=${id} class="visually-hidden file" type="file" accept="image/*" capture="environment" multiple
      onChange=${onChange} disabled=${busy} />
    <label for=${id} class=${`button ${size}`}>${busy ? t('saving') : label}</label>
    ${error && html`<p role="alert" class="error">${error}</p>`}
    ${photos.length > 0 && html`<ul class="thumbs">${photos.map((p, i) => html`<li key=${p.id}>
      ${p.previewUrl ? html`<img class="thumb" src=${p.previewUrl} alt=${t('photoAlt', { n: i + 1 })} width="96" height="96" />`
    : html`<${Photo} id=${p.id} n=${i + 1} />`}
      <button type="button" class="link" onClick=${() => remove(i)}>${t('removePhoto', { n: i + 1 })}</button>
    </li>`)}</ul>`}
  </div>`;
}
