/** 我的上报: the user's own reports with their states; queued ones say 待发送, never sent. */
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { state } from '../store.js';
import { HazardList } from './parts.js';

export function Mine() {
  const me = state.session.user.id;
  const mine = state.hazards.filter((h) => h.reporter_id === me);
  return html`<main id="main">
    <h1 tabindex="-1">${t('mineTitle')}</h1>
    <${HazardList} hazards=${mine} empty=${t('mineEmpty')} />
  </main>`;
}
