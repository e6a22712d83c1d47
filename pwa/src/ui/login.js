/** 登录: username or phone and password; the token and the user are kept so the app opens offline next time. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { groupRecords } from '../lib/records.js';
import { login, state } from '../store.js';

export function Login({ relogin = false }) {
  const [name, setName] = useState(state.session?.user?.username || '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const others = groupRecords(state.items.filter((i) => i.userId && i.userId !== state.session?.user?.id)).length;

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(name.trim(), password);
    } catch (e) {
      setError(e.status === 0 ? t('loginOffline') : e.message);
    } finally {
      setBusy(false);
    }
  }

  return html`<main id="main" class="login">
    <h1 tabindex="-1">${relogin ? t('reloginTitle') : t('appName')}</h1>
    ${relogin && html`<p>${t('reloginHint')}</p>`}
    ${!relogin && others > 0 && html`<p>${t('otherUserWarning', { n: others })}</p>`}
    <form onSubmit=${submit} class="stack">
      <label for="login-name">${t('loginName')}</label>
      <input id="login-name" name="username" autocomplete="username" required value=${name}
        onInput=${(e) => setName(e.currentTarget.value)} />
      <label for="login-password">${t('password')}</label>
      <input id="login-password" name="password" type="password" autocomplete="current-password" required
        value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <button type="submit" class="primary" disabled=${busy}>${busy ? t('signingIn') : t('signIn')}</button>
    </form>
  </main>`;
}
