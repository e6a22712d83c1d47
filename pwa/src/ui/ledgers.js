/**
 * 台账导出: the lists as Excel (XLSX) or CSV, within the reader's scope. A small ledger downloads at once; a large
 * one is built on the server, its progress shown here, and it ends in the inbox with its download (#/ledgers).
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { API, fetchBlob, get, rawFetch, readError } from '../lib/api.js';
import { state } from '../store.js';
import { LEDGER_KINDS, ledgerQuery } from '../lib/ledgers.js';
import { saveFile } from './documents.js';
import { Section } from './parts.js';

const fileName = (response, fallback) => {
  const header = response.headers.get('Content-Disposition') || '';
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header);
  return utf8 ? decodeURIComponent(utf8[1]) : fallback;
};

function Progress({ e }) {
  const percent = Math.round((e.progress || 0) * 100);
  return html`<span class="small">${t(`ledgerState_${e.state}`)}${e.state === 'running' || e.state === 'queued'
    ? html` · <progress max="100" value=${percent} aria-label=${t('ledgerProgress')}></progress> ${t('ledgerRows', { done: e.done, total: e.total })}`
    : ''}</span>`;
}

export function Ledgers() {
  const [kind, setKind] = useState('hazards');
  const [format, setFormat] = useState('xlsx');
  const [open, setOpen] = useState(false);
  const [level, setLevel] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState(null);
  const [exports, setExports] = useState([]);

  const refresh = () => get('ledgers/exports').then(setExports, () => {});
  useEffect(() => { refresh(); }, []);
  useEffect(() => {
    if (!exports.some((e) => e.state === 'queued' || e.state === 'running')) return undefined;
    const timer = setTimeout(refresh, 2000);
    return () => clearTimeout(timer);
  }, [exports]);

  async function start() {
    setBusy(true);
    setMessage(null);
    try {
      const response = await rawFetch(`${API}/ledgers/${kind}${ledgerQuery(kind, { open, level })}`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ format }),
      });
      if (!response.ok) throw await readError(response);
      if (response.status === 202) {
        setMessage(t('ledgerQueued'));
        refresh();
      } else {
        saveFile(await response.blob(), fileName(response, `${t(`ledger_${kind}`)}.${format}`));
        setMessage(t('ledgerSaved'));
      }
    } catch (e) {
      setMessage(e.message || t('ledgerFailed'));
    } finally {
      setBusy(false);
    }
  }

  async function download(e) {
    try { saveFile(await fetchBlob(`ledgers/exports/${e.id}/file`), e.file_name); } catch (err) { setMessage(err.message); }
  }

  return html`<main id="main" class="ledgers"><h1 tabindex="-1">${t('ledgersTitle')}</h1>
    <p class="muted small">${t('ledgersIntro')}</p>
    <div class="form">
      <label>${t('ledgerKind')}<select value=${kind} onChange=${(ev) => setKind(ev.target.value)} data-testid="ledger-kind">
        ${LEDGER_KINDS.map((k) => html`<option value=${k}>${t(`ledger_${k}`)}</option>`)}</select></label>
      <label>${t('ledgerFormat')}<select value=${format} onChange=${(ev) => setFormat(ev.target.value)}>
        <option value="xlsx">Excel (XLSX)</option><option value="csv">CSV</option></select></label>
      ${kind === 'hazards' && html`
        <label class="check"><input type="checkbox" checked=${open} onChange=${(ev) => setOpen(ev.target.checked)} /> ${t('ledgerOpenOnly')}</label>
        <label>${t('ledgerLevel')}<select value=${level} onChange=${(ev) => setLevel(ev.target.value)}>
          <option value="">${t('ledgerAllLevels')}</option><option value="general">${t('ledgerGeneral')}</option>
          <option value="major">${t('ledgerMajor')}</option></select></label>`}
      <p><button type="button" class="primary" onClick=${start} disabled=${busy || !state.online} data-testid="ledger-export">
        ${busy ? t('ledgerWorking') : t('ledgerExport')}</button>
        ${!state.online && html` <span class="muted small">${t('ledgerOffline')}</span>`}</p>
      ${message && html`<p role="status" class="small">${message}</p>`}
    </div>
    <${Section} id="h-ledger-exports" title=${t('ledgerExports')}>
      ${exports.length ? html`<ul class="list" data-testid="ledger-exports">${exports.map((e) => html`
        <li key=${e.id} class="row"><span class="row-title">${e.title} · ${e.format.toUpperCase()}</span>
          <span class="small muted">${formatTime(e.created_at)}</span><${Progress} e=${e} />
          ${e.state === 'ready' && html`<button type="button" onClick=${() => download(e)}>${t('ledgerDownload')}</button>`}</li>`)}</ul>`
    : html`<p class="muted">${t('ledgerNoExports')}</p>`}<//>
  </main>`;
}
