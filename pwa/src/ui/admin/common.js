/** What the admin screens share: reading lists and records with their ETags, the API's refusals beside their fields. */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { vocabName } from '../parts.js';
import { call } from '../../lib/api.js';
import { refusal } from '../../lib/refusal.js';
import { state } from '../../store.js';

export { refusal };

/** A term of the vocabularies (roles, sectors, site types…) by its code: its name, never the code. */
export const termName = (table, code) => vocabName(table, code, t('adminUnknownTerm'));
export const terms = (table) => state.vocab?.[table] || [];

/** A query string of the filters that are set. */
export function query(params) {
  const q = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => { if (v !== '' && v != null) q.set(k, v); });
  return q.toString();
}

/**
 * One page of a list, read again when `path` changes: {items, total, error, more()}. The API pages every list and
 * says the total in X-Pagination.
 */
export function usePaged(path, pageSize = 30) {
  const [page, setPage] = useState({ items: null, total: 0, error: null, n: 1 });
  const latest = useRef(path);
  latest.current = path;
  const read = async (n, before) => {
    const asked = path;
    let next;
    try {
      const sep = path.includes('?') ? '&' : '?';
      const { data, response } = await call(`${path}${sep}page=${n}&page_size=${pageSize}`);
      const total = JSON.parse(response.headers.get('X-Pagination') || '{}').total ?? data.length;
      next = { items: [...before, ...data], total, error: null, n };
    } catch (e) {
      next = { items: before, total: 0, error: e, n };
    }
    // An answer to an earlier search that arrives after a later one's is not what the screen asks for now.
    if (latest.current === asked) setPage(next);
  };
  useEffect(() => { setPage((p) => ({ ...p, items: null })); read(1, []); }, [path]);
  return { ...page, more: () => read(page.n + 1, page.items || []), reload: () => read(1, []) };
}

/** A record and its ETag, for an edit the server checks against the version read (If-Match). */
export function useRecord(path) {
  const [found, setFound] = useState({ data: null, etag: null, error: null });
  const read = async () => {
    if (!path) return;
    try {
      const { data, response } = await call(path);
      setFound({ data, etag: response.headers.get('ETag'), error: null });
    } catch (e) { setFound({ data: null, etag: null, error: e }); }
  };
  useEffect(() => { read(); }, [path]);
  return { ...found, reload: read, set: (data, etag) => setFound({ data, etag, error: null }) };
}

/** Send a change; resolves {data, etag}. Rejects with the API's error. */
export async function send(path, method, json, etag) {
  const { data, response } = await call(path, { method, json, headers: etag ? { 'If-Match': etag } : {} });
  return { data, etag: response.headers.get('ETag') };
}

/** A desk's screen (the filters start open there, folded on a phone). */
export const wide = () => !!globalThis.matchMedia?.('(min-width: 48rem)').matches;

/** A labelled field with its error beside it (aria-describedby), the input given as children. */
export function Field({ id, label, error, hint, children }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${children}
    ${hint && html`<p class="muted small" id=${`${id}-hint`}>${hint}</p>`}
    ${error && html`<p class="error small" role="alert" id=${`${id}-error`}>${error}</p>`}
  </div>`;
}

/** What the form as a whole was told: a refusal of no one field, or that it was saved. */
export function FormMessage({ errors, done }) {
  if (errors?.['']) return html`<p class="error" role="alert">${errors['']}</p>`;
  if (done) return html`<p class="flash" role="status">${done}</p>`;
  return null;
}

/** The list's state: loading, failed, empty or its count. */
export function ListState({ page, empty }) {
  if (page.items === null) return html`<p class="muted">${t('adminLoading')}</p>`;
  if (page.error) return html`<p class="error" role="alert">${page.error.status === 0 ? t('adminOffline') : page.error.message}</p>`;
  if (!page.items.length) return html`<p class="muted">${empty}</p>`;
  return html`<p class="muted small" role="status">${t('adminCount', { n: page.total })}</p>`;
}

export function MoreButton({ page }) {
  if (!page.items || page.items.length >= page.total) return null;
  return html`<button type="button" onClick=${page.more}>${t('adminMore')}</button>`;
}

/** The areas an admin works within: those of their admin roles (the district for a district admin). */
export const adminAreas = () => (state.session.user.roles || []).filter((r) => r.role === 'admin' && r.area).map((r) => r.area);

/**
 * An area within the admin's scope, of one of `levels`: a search box and the matching areas to choose from.
 * `value` is an area id; `onChange(id, area)`.
 */
export function AreaPicker({ id, label, levels, value, onChange, error, current }) {
  const [level, setLevel] = useState(levels.includes(current?.level) ? current.level : levels[0]);
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const root = adminAreas()[0];
  useEffect(() => { if (!levels.includes(level)) setLevel(levels[0]); }, [levels.join()]);
  useEffect(() => {
    let gone = false;
    call(`areas?${query({ level, within: root?.id, q: q.trim(), page_size: 100 })}`)
      .then(({ data }) => { if (!gone) setFound(data); }).catch(() => { if (!gone) setFound([]); });
    return () => { gone = true; };
  }, [level, q]);
  const options = current && !found.some((a) => a.id === current.id) ? [current, ...found] : found;
  return html`<fieldset class="field picker">
    <legend>${label}</legend>
    ${levels.length > 1 && html`<div class=${`tiles n${levels.length}`}>${levels.map((l) => html`<span class="tile" key=${l}>
      <input type="radio" name=${`${id}-level`} id=${`${id}-level-${l}`} checked=${level === l} onChange=${() => setLevel(l)} />
      <label for=${`${id}-level-${l}`}>${termName('area_levels', l)}</label></span>`)}</div>`}
    <label for=${`${id}-q`} class="small">${t('adminAreaSearch')}</label>
    <input id=${`${id}-q`} type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} />
    <label for=${id} class="small">${t('adminAreaChoose', { level: termName('area_levels', level) })}</label>
    <select id=${id} value=${value ?? ''} onChange=${(e) => { const a = options.find((x) => String(x.id) === e.currentTarget.value); onChange(a ? a.id : null, a); }}
      aria-invalid=${error ? 'true' : undefined}>
      <option value="">${t('adminChoose')}</option>
      ${options.map((a) => html`<option key=${a.id} value=${a.id}>${a.name}</option>`)}
    </select>
    ${error && html`<p class="error small" role="alert">${error}</p>`}
  </fieldset>`;
}

/** An enterprise within the admin's scope: a search box and the matches (name and credit code). */
export function EnterprisePicker({ id, label, value, onChange, error, current, optional = false }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  useEffect(() => {
    let gone = false;
    call(`enterprises?${query({ q: q.trim(), page_size: 50 })}`)
      .then(({ data }) => { if (!gone) setFound(data); }).catch(() => { if (!gone) setFound([]); });
    return () => { gone = true; };
  }, [q]);
  const options = current && !found.some((x) => x.id === current.id) ? [current, ...found] : found;
  return html`<fieldset class="field picker">
    <legend>${label}</legend>
    <label for=${`${id}-q`} class="small">${t('adminEnterpriseSearch')}</label>
    <input id=${`${id}-q`} type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} />
    <label for=${id} class="small">${t('adminEnterpriseChoose')}</label>
    <select id=${id} value=${value ?? ''} onChange=${(e) => onChange(e.currentTarget.value || null)} aria-invalid=${error ? 'true' : undefined}>
      <option value="">${optional ? t('adminNoEnterprise') : t('adminChoose')}</option>
      ${options.map((x) => html`<option key=${x.id} value=${x.id}>${x.name}</option>`)}
    </select>
    ${error && html`<p class="error small" role="alert">${error}</p>`}
  </fieldset>`;
}

/** The admin screens' heading, with the way back to the admin home. */
export function AdminHeading({ title, back = '#/' }) {
  return html`<p class="back"><a href=${back}>${t('adminBack')}</a></p><h1 tabindex="-1">${title}</h1>`;
}
