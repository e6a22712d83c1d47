/**
 * 设置: language (remembered), account and sign-out (the outbox is kept), warnings pushed to this phone (where the
 * server has a push service), offline readiness, storage and clock.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { currentLang, languages, loadLang, t } from '../i18n/index.js';
import { ApiError, setLanguage } from '../lib/api.js';
import { clockOffsetMs } from '../lib/clock.js';
import { logout, reload, setState, state } from '../store.js';
import { rolesOf } from './home.js';
import { OfflineStatus } from './offline-status.js';
import { push } from '../lib/push.js';

/**
 * Whether the outbox is safe from eviction, and if not what to do: Chromium grants persistent storage
 * to an installed app, so installing it and asking again is the fix; until then, records are only
 * safe once sent.
 */
function StorageSafety() {
  const [asked, setAsked] = useState(false);
  if (state.persisted) return html`<p class="small">${t('storagePersisted')}</p>`;
  const installed = globalThis.matchMedia?.('(display-mode: standalone)').matches;
  const ask = async () => {
    setState({ persisted: await navigator.storage.persist().catch(() => false) });
    setAsked(true);
  };
  return html`<div class="notice warn stack small" data-testid="storage-advice">
    <span>${t('storageNotPersisted')}</span>
    <span>${t(installed ? 'storageAdviceInstalled' : 'storageAdvice', { allSent: t('outboxAllSent') })}</span>
    ${navigator.storage?.persist && html`<button type="button" onClick=${ask}>${t('storageRetry')}</button>`}
    ${asked && html`<span role="status">${t('storageStillNot')}</span>`}
  </div>`;
}

/**
 * 预警推送通知: the switch, only where the server has a push service; the feed and the app's poll deliver the
 * warnings either way, so what it says is only whether a closed app is woken too.
 */
function WarningPush() {
  const [status, setStatus] = useState(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(null);
  useEffect(() => { push.status().then(setStatus, () => setStatus(null)); }, []);
  if (!status || status === 'off-server') return null;
  const toggle = async (on) => {
    setBusy(true);
    setFailed(null);
    try { setStatus(await (on ? push.enable() : push.disable())); } catch (error) {
      // the server's reason, in the app's language; the browser's own (its push service unreachable) in ours
      setFailed(error instanceof ApiError ? (error.status ? error.message : t('pushOffline')) : t('pushNoService'));
    } finally { setBusy(false); }
  };
  const hint = { on: 'pushOnHint', off: 'pushOffHint', denied: 'pushDenied', unsupported: 'pushUnsupported' }[status];
  return html`<h2>${t('pushTitle')}</h2>
    <p class="stack small" data-testid="warning-push">
      <label><input type="checkbox" role="switch" checked=${status === 'on'} data-testid="warning-push-switch"
        disabled=${busy || status === 'denied' || status === 'unsupported'}
        onChange=${(event) => toggle(event.currentTarget.checked)} /> ${t('pushSwitch')}</label>
      <span class="muted">${t(hint)}</span>
      ${failed && html`<span role="alert">${t('pushFailed', { reason: failed })}</span>`}
    </p>`;
}

export function Settings() {
  const user = state.session.user;
  const waiting = state.outbox.records.queued + state.outbox.records.attention;
  const change = async (lang) => { setLanguage(await loadLang(lang)); reload(); };
  const signOut = () => { if (!waiting || confirm(t('signOutQueued', { n: waiting }))) logout(); };
  return html`<main id="main">
    <h1 tabindex="-1">${t('settingsTitle')}</h1>
    <fieldset class="tiles two">
      <legend>${t('language')}</legend>
      ${languages.map(([code, name]) => html`<span class="tile" key=${code}>
        <input type="radio" name="lang" id=${`lang-${code}`} value=${code} checked=${currentLang() === code}
          onChange=${() => change(code)} />
        <label for=${`lang-${code}`} lang=${code}>${name}</label></span>`)}
    </fieldset>
    <h2>${t('account')}</h2>
    <p>${user.name}（${user.username}）· ${[...rolesOf(user)].map((r) => t(`role_${r}`)).join('、')}</p>
    <button type="button" onClick=${signOut}>${t('signOut')}</button>
    <${WarningPush} />
    <h2>${t('offlineTitle')}</h2>
    <${OfflineStatus} />
    <h2>${t('storage')}</h2>
    <${StorageSafety} />
    <p class="small">${t('clockOffset', { s: Math.round(clockOffsetMs() / 1000) })}</p>
    <p class="small muted">${t('version', { v: __APP_VERSION__ })}</p>
  </main>`;
}
