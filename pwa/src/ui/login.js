/**
 * 登录: username or phone and password; the token and the user are kept so the app opens offline next time.
 * Through a bad network the sign-in is tried again (store.login), and the screen says so; an error is always
 * said in words, never as the browser's or the server's raw text.
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { groupRecords } from '../lib/records.js';
import { login, state } from '../store.js';
import { OfflineStatus } from './offline-status.js';

/** What to say when the sign-in failed: the API's own message (in the interface language) where it sent one. */
function loginError(error) {
  if (!navigator.onLine) return t('loginOffline');
  if (error.status === 0 || [502, 503, 504].includes(error.status)) return t('loginNetworkFailed');
  if (error.code === 'http_error' || !error.message) return t('loginFailedUnknown');
  return error.message;
}

export function Login({ relogin = false }) {
  const [name, setName] = useState(state.session?.user?.username || '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [retry, setRetry] = useState(0);
  const [error, setError] = useState(null);
  const others = groupRecords(state.items.filter((i) => i.userId && i.userId !== state.session?.user?.id)).length;

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setRetry(0);
    setError(null);
    try {
      await login(name.trim(), password, { onRetry: setRetry });
    } catch (e) {
      setError(loginError(e));
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
      ${busy && retry > 0 && html`<p role="status" class="small" data-testid="login-retry">${t('signingInRetry', { n: retry + 1 })}</p>`}
      <button type="submit" class="primary" disabled=${busy}>${busy ? t('signingIn') : t('signIn')}</button>
    </form>
    <${OfflineStatus} />
  </main>`;
}
