/**
 * A signature drawn with a finger (or a pen, or a mouse): a canvas read through pointer events, the strokes kept so
 * that one can be taken back (撤销一笔) or all cleared (清除重签), and each change made a PNG, sent as a photo is.
 */
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { uuid } from '../lib/ids.js';
import { digest } from '../lib/photo.js';

// The PNG's size: wide and low as a signature line is; the record prints it within 300 × 100 pt.
export const WIDTH = 900;
export const HEIGHT = 300;
const INK = '#1a1a2e';

/** Draw strokes (points as fractions of the width and height) on a 2D context of size w × h, over white. */
function paint(ctx, strokes, w, h) {
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.lineWidth = Math.max(2, w / 160);
  for (const stroke of strokes) {
    if (stroke.length === 1) { // a dot
      ctx.beginPath();
      ctx.arc(stroke[0][0] * w, stroke[0][1] * h, ctx.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    ctx.beginPath();
    stroke.forEach(([x, y], i) => (i ? ctx.lineTo(x * w, y * h) : ctx.moveTo(x * w, y * h)));
    ctx.stroke();
  }
}

/** The strokes as the PNG to send: {id, bytes, type, width, height, takenAt, sha256, contentDigest}. */
async function toPhoto(strokes) {
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  paint(canvas.getContext('2d'), strokes, WIDTH, HEIGHT);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  const bytes = await blob.arrayBuffer();
  return { id: uuid(), bytes, type: 'image/png', width: WIDTH, height: HEIGHT, takenAt: new Date().toISOString(),
    position: null, ...(await digest(bytes)) };
}

/**
 * `strokes` as kept with the draft; `onChange({strokes, signature})` after each stroke, an undo or a clear
 * (signature null when nothing is drawn).
 */
export function SignaturePad({ id, label, strokes = [], onChange }) {
  const canvas = useRef(null);
  const drawing = useRef(null); // the stroke under the finger
  const all = useRef(strokes);
  const latest = useRef(0); // the last change begun: an earlier one's PNG, finished after it, is not reported
  all.current = strokes;

  const redraw = () => {
    const el = canvas.current;
    if (!el) return;
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = el.getBoundingClientRect();
    if (el.width !== Math.round(width * ratio)) { el.width = Math.round(width * ratio); el.height = Math.round(height * ratio); }
    const shown = drawing.current ? [...all.current, drawing.current] : all.current;
    paint(el.getContext('2d'), shown, el.width, el.height);
  };
  useEffect(() => {
    redraw();
    window.addEventListener('resize', redraw);
    return () => window.removeEventListener('resize', redraw);
  });

  const at = (e) => {
    const r = canvas.current.getBoundingClientRect();
    const clamp = (v) => Math.min(1, Math.max(0, v));
    return [clamp((e.clientX - r.left) / r.width), clamp((e.clientY - r.top) / r.height)];
  };
  const emit = async (next) => {
    const mine = ++latest.current;
    all.current = next; // a stroke begun before the PNG is made adds to these
    const signature = next.length ? await toPhoto(next) : null;
    if (mine === latest.current) onChange({ strokes: next, signature });
  };
  const down = (e) => {
    e.preventDefault();
    canvas.current.setPointerCapture?.(e.pointerId);
    drawing.current = [at(e)];
    redraw();
  };
  const move = (e) => {
    if (!drawing.current) return;
    const events = e.getCoalescedEvents?.() || [e];
    for (const one of events.length ? events : [e]) drawing.current.push(at(one));
    redraw();
  };
  const up = () => {
    if (!drawing.current) return;
    const stroke = drawing.current.map(([x, y]) => [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000]);
    drawing.current = null;
    emit([...all.current, stroke]);
  };

  return html`<div class="signature stack">
    <p id=${`${id}-label`} class="label">${label}</p>
    <canvas ref=${canvas} id=${id} class="signature-pad" role="img" aria-labelledby=${`${id}-label`}
      aria-describedby=${`${id}-state`} data-testid="signature-pad"
      onPointerDown=${down} onPointerMove=${move} onPointerUp=${up} onPointerCancel=${up}></canvas>
    <p id=${`${id}-state`} class="hint" data-testid="signature-state">${strokes.length ? t('signatureDrawn') : t('signatureHint')}</p>
    <div class="answers">
      <button type="button" disabled=${!strokes.length} onClick=${() => emit(strokes.slice(0, -1))}>${t('signatureUndo')}</button>
      <button type="button" disabled=${!strokes.length} onClick=${() => emit([])}>${t('signatureClear')}</button>
    </div>
  </div>`;
}
