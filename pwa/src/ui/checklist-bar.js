/**
 * The bar kept on screen above a checklist being run (a 68-item assessment is long on a phone): what is done and
 * what is left, a jump to the next item still to do, and to any section with its own count.
 */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { problems, progress } from '../lib/checklist.js';

/** Brings an item or a section into view (clear of this bar) and moves the focus there. */
function bringUp(selector) {
  const target = document.querySelector(selector);
  if (!target) return;
  target.scrollIntoView({ block: 'start' });
  target.querySelector('button, input, select, textarea')?.focus({ preventScroll: true });
}

export function ChecklistBar({ template, answers }) {
  const p = progress(template, answers);
  const todo = Object.keys(problems(template, answers)); // unanswered, or a failing answer lacking its photo or note
  const jump = (e) => {
    const key = e.currentTarget.value;
    if (key) bringUp(`#sec-${CSS.escape(key)}`);
    e.currentTarget.value = '';
  };
  return html`<div class="checklist-bar">
    <div class="progress-line">
      <span data-testid="inspection-progress">${t('progressOf', { done: p.done, total: p.total })}</span>
      <progress max=${p.total} value=${p.done} aria-label=${t('progress')}></progress>
      <span class="small" data-testid="items-to-do">${todo.length ? t('itemsToDo', { n: todo.length }) : t('allDone')}</span>
    </div>
    <div class="bar-actions">
      <button type="button" disabled=${!todo.length}
        onClick=${() => bringUp(`[data-testid="item-${CSS.escape(todo[0])}"]`)}>${t('nextToDo')}</button>
      <select aria-label=${t('jumpToSection')} onChange=${jump} value="">
        <option value="">${t('jumpToSection')}</option>
        ${template.sections.map((s, i) => html`<option key=${s.key} value=${s.key}>
          ${s.title}（${p.sections[i].done}/${p.sections[i].total}）</option>`)}
      </select>
    </div>
  </div>`;
}
