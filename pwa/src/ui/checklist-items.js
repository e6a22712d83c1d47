/**
 * A checklist's sections and items, answered in place (合格 / 不合格 / 不适用, an option, a reading, text, photos; what
 * a failing answer still needs): drawn by running an inspection (inspection.js) and by correcting one
 * (inspection-correction.js).
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { isAnswered, missing, outcome, progress, raisesHazard } from '../lib/checklist.js';
import { PhotoPicker } from './photo-picker.js';
import { outcomeName, term } from './inspection-parts.js';

// Photos' object URLs by photo id: a draft read back from IndexedDB keeps the bytes, not the URLs.
const previews = new Map();
function withPreviews(photos = []) {
  return photos.map((p) => {
    if (p.previewUrl) { previews.set(p.id, p.previewUrl); return p; }
    if (!p.bytes) return p; // on the server already (a correction's revision): the picker shows the server's copy
    if (!previews.has(p.id)) previews.set(p.id, URL.createObjectURL(new Blob([p.bytes], { type: p.type })));
    return { ...p, previewUrl: previews.get(p.id) };
  });
}

function Choice({ label, pressed, onClick, tone = '' }) {
  return html`<button type="button" class=${`answer ${tone}${pressed ? ' on' : ''}`} aria-pressed=${pressed ? 'true' : 'false'}
    onClick=${onClick}>${label}</button>`;
}

function NumberAnswer({ item, answer, set }) {
  const id = `num-${item.key}`;
  const [text, setText] = useState(answer?.value === 'na' || answer?.value == null ? '' : String(answer.value));
  const range = [item.min != null && `≥ ${item.min}`, item.max != null && `≤ ${item.max}`].filter(Boolean).join('，');
  const onInput = (e) => {
    const raw = e.currentTarget.value;
    setText(raw);
    const n = raw.trim() === '' ? null : Number(raw);
    set({ value: Number.isFinite(n) ? n : null });
  };
  return html`<label for=${id}>${t('reading')}${item.unit ? `（${item.unit}）` : ''}</label>
    <input id=${id} type="number" inputmode="decimal" step="any" value=${text} onInput=${onInput}
      aria-describedby=${range ? `${id}-range` : undefined} />
    ${range && html`<p id=${`${id}-range`} class="hint">${t('passingRange', { range, unit: item.unit || '' })}</p>`}`;
}

function AnswerControls({ item, answer, set }) {
  const value = answer?.value;
  const na = item.na_allowed !== false && item.answer_type !== 'text' && item.answer_type !== 'photo';
  const naButton = na && html`<${Choice} label=${outcomeName('na')} pressed=${value === 'na'} onClick=${() => set({ value: 'na' })} />`;
  if (item.answer_type === 'pass_fail_na') {
    return html`<div class="answers" role="group" aria-label=${t('answer')}>
      <${Choice} label=${outcomeName('pass')} tone="ok" pressed=${value === 'pass'} onClick=${() => set({ value: 'pass' })} />
      <${Choice} label=${outcomeName('fail')} tone="bad" pressed=${value === 'fail'} onClick=${() => set({ value: 'fail' })} />
      ${naButton}</div>`;
  }
  if (item.answer_type === 'choice') {
    return html`<div class="answers column" role="group" aria-label=${t('answer')}>
      ${item.options.map((o) => html`<${Choice} key=${o.key} label=${o.label} tone=${o.fail ? 'bad' : 'ok'}
        pressed=${value === o.key} onClick=${() => set({ value: o.key })} />`)}${naButton}</div>`;
  }
  if (item.answer_type === 'number') {
    return html`<${NumberAnswer} item=${item} answer=${answer} set=${set} />
      ${na && html`<div class="answers">${naButton}</div>`}
      ${isAnswered(item, answer) && value !== 'na' && html`<p class="small">${outcomeName(outcome(item, answer))}</p>`}`;
  }
  if (item.answer_type === 'text') {
    const id = `text-${item.key}`;
    return html`<label for=${id} class="visually-hidden">${item.text}</label>
      <textarea id=${id} rows="2" maxlength="2000" value=${value ?? ''} onInput=${(e) => set({ value: e.currentTarget.value })}></textarea>`;
  }
  return html`<${PhotoPicker} id=${`photo-${item.key}`} label=${t('takePhoto')} photos=${withPreviews(answer?.photos)}
    setPhotos=${(photos) => set({ photos })} />`;
}

/** What a failing answer asks for: the photo and the note its item requires, and whether it reports a hazard. */
function FailDetails({ item, answer, set, show }) {
  const needs = item.fail_requires || [];
  const lacks = missing(item, answer);
  const noteId = `note-${item.key}`;
  const hazardId = `hazard-${item.key}`;
  return html`<div class="fail-details stack">
    <${PhotoPicker} id=${`photo-${item.key}`} label=${needs.includes('photo') ? t('takePhotoRequired') : t('takePhoto')}
      photos=${withPreviews(answer.photos)} setPhotos=${(photos) => set({ photos })} />
    <label for=${noteId}>${needs.includes('note') ? t('noteRequired') : t('noteOptional')}</label>
    <textarea id=${noteId} rows="2" maxlength="2000" value=${answer.note ?? ''}
      onInput=${(e) => set({ note: e.currentTarget.value })}></textarea>
    ${item.hazard && html`<div class="check"><input id=${hazardId} type="checkbox" checked=${raisesHazard(item, answer)}
      onChange=${(e) => set({ raise_hazard: e.currentTarget.checked })} /><label for=${hazardId}>${t('raiseHazard')}</label></div>`}
    ${lacks.length > 0 && html`<p class=${show ? 'error' : 'hint'} role=${show ? 'alert' : undefined}>
      ${t('stillNeeds', { what: lacks.map((n) => term('fail_requirements', n, n)).join('、') })}</p>`}
  </div>`;
}

function Item({ item, n, answer, set, problem, show }) {
  const headId = `item-${item.key}`;
  const failing = outcome(item, answer) === 'fail';
  return html`<article class=${`check-item${show && problem ? ' problem' : ''}`} role="group" aria-labelledby=${headId}
      data-testid=${`item-${item.key}`}>
    <h3 id=${headId} class="item-text">${n}. ${item.text}${item.required === false ? ` ${t('optional')}` : ''}</h3>
    ${item.critical && html`<span class="badge flag">${t('criticalItem')}</span>`}
    ${(item.method || item.basis) && html`<details class="small"><summary>${t('howToCheck')}</summary>
      ${item.method && html`<p>${item.method}</p>`}${item.basis && html`<p class="muted">${t('basis')}：${item.basis}</p>`}</details>`}
    <${AnswerControls} item=${item} answer=${answer} set=${set} />
    ${failing && html`<${FailDetails} item=${item} answer=${answer} set=${set} show=${show} />`}
    ${outcome(item, answer) === 'pass' && html`<${PhotoPicker} id=${`photo-${item.key}`}
      label=${t('addPhoto')} size="small" photos=${withPreviews(answer.photos)} setPhotos=${(photos) => set({ photos })} />`}
    ${show && problem?.[0] === 'unanswered' && html`<p class="error" role="alert">${t('notAnswered')}</p>`}
  </article>`;
}

/**
 * The checklist's sections and items, answered in place: `set(key)(patch)` changes an item's answer. Running an
 * inspection and correcting one (inspection-correction.js) both draw it.
 */
export function ChecklistItems({ template, answers, set, found, show }) {
  const p = progress(template, answers);
  let n = 0;
  return template.sections.map((section, i) => html`<section key=${section.key} aria-labelledby=${`sec-${section.key}`}>
    <h2 id=${`sec-${section.key}`} class="section-head"><span>${section.title}</span>
      <span class="muted small">${p.sections[i].done}/${p.sections[i].total}</span></h2>
    ${section.items.map((item) => html`<${Item} key=${item.key} item=${item} n=${++n} answer=${answers[item.key]}
      set=${set(item.key)} problem=${found[item.key]} show=${show} />`)}
  </section>`);
}
