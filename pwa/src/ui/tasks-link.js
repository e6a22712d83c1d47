/** The offices' homes' 检查任务 region: this month's coverage in their scope (GET /coverage, online) and the link to
 * 辖区检查任务, where tasks are given to someone else. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { get } from '../lib/api.js';
import { shanghaiDay } from '../lib/tasks.js';
import { state } from '../store.js';
import { Section } from './parts.js';

export function AreaTasksLink() {
  const [total, setTotal] = useState(null);
  useEffect(() => {
    if (!state.online) return;
    get(`coverage?period=${shanghaiDay(Date.now()).slice(0, 7)}`).then((c) => setTotal(c.total)).catch(() => {});
  }, [state.online]);
  return html`<${Section} id="h-area-tasks" title=${t('areaTasksSection')}>
    ${total?.planned > 0 && html`<p data-testid="area-coverage">${t('areaCoverage', { done: total.done, planned: total.planned,
      rate: total.rate ?? 0, flagged: total.flagged })}</p>`}
    <p><a href="#/tasks/area" class="button wide" data-testid="area-tasks-link">${t('areaTasksOpen')}</a></p>
  <//>`;
}
