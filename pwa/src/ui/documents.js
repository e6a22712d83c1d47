/**
 * A hazard's documents (文书: 隐患整改意见书, 整改复查意见书, 挂牌督办通知书, 责令限期整改指令书), each a link to its PDF. The PDF is served
 * to the signed-in only, so the link fetches it with the token and hands it to the browser as a file, which the
 * phone opens in its PDF viewer (a blob: page of our own would be held to the app's Content-Security-Policy).
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { API, fetchBlob, get } from '../lib/api.js';
import { documentName } from '../lib/loop.js';
import { state } from '../store.js';

/** Give `blob` to the browser as the file `name`: saved, or opened by the viewer the phone has for it. */
export function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000); // the download has started long before
}

function DocumentLink({ hazardId, document: doc }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const path = `hazards/${hazardId}/documents/${doc.id}.pdf`;
  const name = documentName(state.vocab, doc.kind);
  const when = html`<span class="muted small">${formatTime(doc.created_at)}</span>`;
  if (doc.state !== 'ready') {
    return html`<span class="doc">${name} ${doc.number} · ${doc.state === 'failed' ? t('documentFailed') : t('documentPending')}
      ${when}</span>`;
  }
  async function open(event) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      saveFile(await fetchBlob(path), `${doc.number}.pdf`);
    } catch (e) {
      setError(t('openFailed', { msg: e.message }));
    } finally {
      setBusy(false);
    }
  }
  return html`<a class="doc" href=${`${API}/${path}`} type="application/pdf" onClick=${open} aria-busy=${busy}>
      <span class="doc-name">${name}</span> <span>${doc.number}</span> ${busy ? t('opening') : when}</a>
    ${error && html`<p role="alert" class="error">${error}</p>`}`;
}

/** How often, and how many times, to read the list again while a document is still being rendered (by a job). */
const PENDING_POLL_MS = 5000;
const PENDING_POLLS = 12;

/** The documents of a hazard, read again whenever it changes (each step may issue one), and every few seconds
 * for a minute while one is still being rendered. Online only. */
export function Documents({ id }) {
  const [documents, setDocuments] = useState(null);
  const version = state.hazards.find((h) => h.id === id)?.version;
  useEffect(() => {
    if (!state.online) return undefined;
    let timer = null;
    let polls = 0;
    let gone = false;
    const read = () => get(`hazards/${id}/documents`).then((found) => {
      if (gone) return;
      setDocuments(found);
      if (found.some((d) => d.state === 'pending') && polls++ < PENDING_POLLS) timer = setTimeout(read, PENDING_POLL_MS);
    }).catch(() => { if (!gone) setDocuments(null); });
    read();
    return () => { gone = true; clearTimeout(timer); };
  }, [id, version]);
  if (!documents) return html`<p class="muted">${t('documentsOffline')}</p>`;
  if (!documents.length) return html`<p class="muted">${t('noDocuments')}</p>`;
  return html`<ul class="docs">${documents.map((d) => html`<li key=${d.id}><${DocumentLink} hazardId=${id} document=${d} /></li>`)}</ul>`;
}

/**
 * The inspection record (检查记录) as a PDF, fetched with the token and handed to the phone's viewer: the current
 * revision's, or `revision`'s (an earlier one, after a correction).
 */
export function RecordLink({ id, name, revision = null, label = null }) {
  const path = `inspections/${id}/record.pdf${revision ? `?revision=${revision}` : ''}`;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function open(event) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      saveFile(await fetchBlob(path), `${name}.pdf`);
    } catch (e) {
      setError(t('openFailed', { msg: e.message }));
    } finally {
      setBusy(false);
    }
  }
  return html`<ul class="docs"><li><a class="doc" href=${`${API}/${path}`} type="application/pdf"
      onClick=${open} aria-busy=${busy} data-testid=${revision ? `record-link-${revision}` : 'record-link'}>
    <span class="doc-name">${label || t('inspectionRecord')}</span> ${busy && html`<span>${t('opening')}</span>`}</a></li></ul>
    ${error && html`<p role="alert" class="error">${error}</p>`}`;
}
