/**
 * 约谈记录: the summonses in the reader's scope (a department's checklists, a supervisor's district, an enterprise's
 * own units), newest month first, each opening its checklist's month ranked at the unit. Read online and kept, as
 * the rankings are; offline, the copy last read, said so.
 */
import { html } from 'htm/preact';
import { formatTime, t } from '../i18n/index.js';
import { get } from '../lib/api.js';
import { scoreText } from '../lib/rankings.js';
import { state } from '../store.js';
import { rankingPath, ReadState, useKept } from './rankings.js';

/** The checklist's name: the server's, else the synced version's, else said unknown. */
function checklistName(s) {
  const synced = state.templates.find((tpl) => tpl.family_id === s.family_id);
  return s.template_name || synced?.name || t('checklistUnknown');
}

function ReadBadge({ read }) {
  if (read == null) return null; // not in this reader's inbox
  return read ? html` <span class="muted">· ${t('summonsRead')}</span>` : html` <span class="badge flag">${t('summonsUnread')}</span>`;
}

export function Summonses() {
  const got = useKept('summonses', () => get('summonses?page_size=100')); // the copy the inbox's 约谈提醒 reads too
  const rows = got?.value || [];
  return html`<main id="main" class="rankings"><h1 tabindex="-1">${t('summonsTitle')}</h1>
    <p class="muted small">${t('summonsIntro')}</p>
    <${ReadState} got=${got} />
    ${got?.value && (rows.length ? html`<ul class="list" data-testid="summonses">${rows.map((s) => html`
      <li key=${s.id} class=${`row summon${s.read === false ? ' unread' : ''}`}>
        <a href=${`#${rankingPath(s.family_id, s.month, s.site_id)}`}>
          <span class="row-title">${s.site_name || t('unitUnknown')}</span>
          <span class="small">${s.month} · ${checklistName(s)}</span>
          <span class="small" data-testid="summons-ranks">${[t('summonsRanks', { rank: s.rank, of: s.ranked, before: s.previous_rank }),
    t('meanScoreOf', { score: scoreText(s.score) })].join(' · ')}</span>
          <span class="small muted">${t('summonsFlagged', { time: formatTime(s.created_at) })}<${ReadBadge} read=${s.read} /></span>
        </a></li>`)}</ul>`
    : html`<p class="muted">${t('noSummonses')}</p>`)}
  </main>`;
}
