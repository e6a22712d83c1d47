/**
 * 利害关系申报 (`#/conflicts`): an inspector of the register (an enforcement or department officer) declares a tie to
 * an enterprise, so that no draw created after it names them for its sites (回避), and sees their declarations. Online
 * only (POST /conflicts, idempotent on the phone's id; declaring the same tie again answers the stored one). The
 * reason is never published: a draw's record shows only that they recused (docs/draws.md).
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { call, get } from '../lib/api.js';
import { uuid } from '../lib/ids.js';
import { refusal } from '../lib/refusal.js';
import { state } from '../store.js';

function FindEnterprise({ chosen, choose }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState(null);
  const [problem, setProblem] = useState(null);
  async function search(e) {
    e.preventDefault();
    setProblem(null);
    try {
      setFound(await get(`enterprises?q=${encodeURIComponent(q.trim())}&page_size=20`));
    } catch (error) {
      setProblem(error.status === 0 ? t('conflictsOffline') : refusal(error, ['q']).q || error.message);
    }
  }
  return html`<form class="inline" role="search" onSubmit=${search}>
      <label for="conflict-q" class="visually-hidden">${t('conflictFind')}</label>
      <input id="conflict-q" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} placeholder=${t('conflictFindHint')} />
      <button type="submit" disabled=${!q.trim() || !state.online}>${t('conflictSearch')}</button>
    </form>
    ${problem && html`<p class="error" role="alert">${problem}</p>`}
    ${found && (found.length ? html`<ul class="list" data-testid="conflict-found">${found.map((x) => html`
      <li key=${x.id} class="row"><label class="check pick">
        <input type="radio" name="conflict-enterprise" checked=${chosen?.id === x.id} onChange=${() => choose(x)} />
        <span><span class="row-title">${x.name}</span> <span class="muted small">${x.uscc || ''}</span></span></label></li>`)}</ul>`
    : html`<p class="muted">${t('conflictNoneFound')}</p>`)}`;
}

export function Conflicts() {
  const me = state.session.user.id;
  const [mine, setMine] = useState({ list: null, error: null });
  const [chosen, setChosen] = useState(null);
  const [reason, setReason] = useState('');
  const [id, setId] = useState(uuid());
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState(null);
  const read = () => get('conflicts?page_size=100')
    .then((list) => setMine({ list: list.filter((d) => d.user_id === me), error: null }))
    .catch((error) => setMine({ list: null, error }));
  useEffect(() => { if (state.online) read(); }, [state.online]);

  async function declare(e) {
    e.preventDefault();
    setBusy(true);
    setAnswer(null);
    try {
      const { data, response } = await call('conflicts', { method: 'POST',
        json: { id, enterprise_id: chosen.id, reason: reason.trim() } });
      setAnswer({ ok: true, text: t(response.status === 201 ? 'conflictDeclared' : 'conflictAlready', { name: data.enterprise_name }) });
      setChosen(null);
      setReason('');
      setId(uuid());
      read();
    } catch (error) {
      const found = refusal(error, ['reason', 'enterprise_id']);
      setAnswer({ ok: false, text: error.status === 0 ? t('conflictsOffline') : found.reason || found.enterprise_id || found[''] });
    } finally {
      setBusy(false);
    }
  }

  return html`<main id="main" class="conflicts">
    <h1 tabindex="-1">${t('conflictsTitle')}</h1>
    <p class="muted small">${t('conflictsIntro')}</p>
    ${!state.online && html`<p class="notice warn" role="status">${t('conflictsOffline')}</p>`}
    <section aria-labelledby="h-conflict-new"><h2 id="h-conflict-new">${t('conflictNew')}</h2>
      <${FindEnterprise} key=${id} chosen=${chosen} choose=${setChosen} />
      ${chosen && html`<form class="draw-form" onSubmit=${declare}>
        <p>${t('conflictWith', { name: chosen.name })}</p>
        <div class="field"><label for="conflict-reason">${t('conflictReason')}</label>
          <textarea id="conflict-reason" maxlength="500" rows="3" value=${reason}
            onInput=${(e) => setReason(e.currentTarget.value)} placeholder=${t('conflictReasonHint')}></textarea>
          <p class="muted small">${t('conflictReasonPrivate')}</p></div>
        <p><button type="submit" class="primary wide" disabled=${busy || !reason.trim() || !state.online}
          data-testid="conflict-declare">${t('conflictDeclare')}</button></p>
      </form>`}
      ${answer && html`<p class=${answer.ok ? 'notice ok' : 'error'} role=${answer.ok ? 'status' : 'alert'}
        data-testid="conflict-answer">${answer.text}</p>`}
    </section>
    <section aria-labelledby="h-conflict-mine"><h2 id="h-conflict-mine">${t('conflictMine', { n: mine.list?.length ?? 0 })}</h2>
      ${mine.error && html`<p class="error" role="alert">${mine.error.status === 0 ? t('conflictsOffline') : mine.error.message}</p>`}
      ${mine.list && (mine.list.length ? html`<ul class="list" data-testid="conflicts-mine">${mine.list.map((d) => html`
        <li key=${d.id} class="row item"><span class="row-title">${d.enterprise_name}</span>
          <span class="row-meta small">${d.reason}</span>
          <span class="row-meta small muted">${t('conflictDeclaredAt', { time: formatTime(d.declared_at) })}</span></li>`)}</ul>`
    : html`<p class="muted">${t('conflictsNone')}</p>`)}
    </section>
  </main>`;
}
