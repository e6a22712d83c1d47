/** 设置: language (remembered), account and sign-out (the outbox is kept), offline readiness, storage and clock. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { currentLang, languages, loadLang, t } from '../i18n/index.js';
import { setLanguage } from '../lib/api.js';
import { clockOffsetMs } from '../lib/clock.js';
import { logout, reload, setState, state } from '../store.js';
import { rolesOf } from './home.js';
import { OfflineStatus } from './offline-status.js';

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
    <h2>${t('offlineTitle')}</h2>
    <${OfflineStatus} />
    <h2>${t('storage')}</h2>
    <${StorageSafety} />
    <p class="small">${t('clockOffset', { s: Math.round(clockOffsetMs() / 1000) })}</p>
    <p class="small muted">${t('version', { v: __APP_VERSION__ })}</p>
  </main>`;
}
