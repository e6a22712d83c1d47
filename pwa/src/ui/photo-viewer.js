/**
 * A hazard's photos: thumbnails that open the photo full size (the 1600 px display copy) in a modal viewer, with
 * 上一张 / 下一张 buttons, the arrow keys and a swipe between them; Esc or 关闭 closes it.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { keyStep, stepIndex, swipeStep } from '../lib/gallery.js';
import { Photo, usePhotoUrl } from './parts.js';

function FullPhoto({ id, n }) {
  const { src, failed } = usePhotoUrl(id, 'display');
  if (src) return html`<img class="viewer-photo" src=${src} alt=${t('photoAlt', { n })} draggable="false" />`;
  return html`<p class="viewer-wait" role="status">${failed ? t('photoUnavailable') : t('loadingPhoto')}</p>`;
}

function Viewer({ photos, index, setIndex, onClose }) {
  const dialog = useRef(null);
  const start = useRef(null);
  useEffect(() => {
    const element = dialog.current;
    element.showModal(); // modal: focus moves in and stays in, Esc closes it, the page behind is inert
    return () => { if (element.open) element.close(); };
  }, []);
  const count = photos.length;
  const go = (delta) => { if (delta) setIndex(stepIndex(index, delta, count)); };
  const onKeyDown = (event) => {
    const step = keyStep(event.key);
    if (step) { event.preventDefault(); go(step); }
  };
  const onPointerDown = (event) => { start.current = { x: event.clientX, y: event.clientY }; };
  const onPointerUp = (event) => {
    if (!start.current) return;
    const step = swipeStep(event.clientX - start.current.x, event.clientY - start.current.y);
    start.current = null;
    go(step);
  };
  const position = t('photoOf', { n: index + 1, total: count });
  return html`<dialog ref=${dialog} class="viewer" aria-label=${t('photoViewer')} onClose=${onClose} onKeyDown=${onKeyDown}>
    <div class="viewer-bar">
      <span aria-live="polite" data-testid="viewer-position">${position}</span>
      <button type="button" onClick=${() => dialog.current.close()}>${t('close')}</button>
    </div>
    <div class="viewer-stage" data-testid="viewer-stage" onPointerDown=${onPointerDown} onPointerUp=${onPointerUp}
      onPointerCancel=${() => { start.current = null; }}>
      <${FullPhoto} key=${photos[index].id} id=${photos[index].id} n=${index + 1} />
    </div>
    ${count > 1 && html`<div class="viewer-nav">
      <button type="button" onClick=${() => go(-1)}>‹ ${t('prevPhoto')}</button>
      <button type="button" onClick=${() => go(1)}>${t('nextPhoto')} ›</button>
    </div>`}
  </dialog>`;
}

/** The thumbnails of `photos` ([{id}]), each a button that opens the viewer at it. */
export function PhotoGallery({ photos }) {
  const [open, setOpen] = useState(null);
  if (!photos.length) return null;
  return html`<ul class="thumbs" aria-label=${t('photos')}>
      ${photos.map((p, i) => html`<li key=${p.id}>
        <button type="button" class="thumb-button" aria-label=${t('openPhoto', { n: i + 1, total: photos.length })}
          onClick=${() => setOpen(i)}><${Photo} id=${p.id} n=${i + 1} /></button></li>`)}
    </ul>
    ${open !== null && html`<${Viewer} photos=${photos} index=${open} setIndex=${setOpen} onClose=${() => setOpen(null)} />`}`;
}
