/** 设置: language (remembered), account and sign-out (the outbox is kept), storage and clock. */
import { html } from 'htm/preact';
import { currentLang, languages, setLang, t } from '../i18n/index.js';
import { setLanguage } from '../lib/api.js';
import { clockOffsetMs } from '../lib/clock.js';
import { logout, reload, state } from '../store.js';
import { rolesOf } from './home.js';

export function Settings() {
  const user = state.session.user;
  const waiting = state.outbox.records.queued + state.outbox.records.attention;
  const change = (lang) => { setLang(lang); setLanguage(lang); reload(); };
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
    <h2>${t('storage')}</h2>
    <p class="small">${state.persisted ? t('storagePersisted') : t('storageNotPersisted')}</p>
    <p class="small">${t('clockOffset', { s: Math.round(clockOffsetMs() / 1000) })}</p>
    <p class="small muted">${t('version', { v: __APP_VERSION__ })}</p>
  </main>`;
}
