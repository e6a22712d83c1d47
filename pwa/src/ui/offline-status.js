/** Whether the app is ready for offline use, as the phone finds it: the shell installed, and once signed in the data. */
import { html } from 'htm/preact';
import { useEffect, useReducer } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { state } from '../store.js';

const SHOWN_KEY = 'safegrid.offlineReadyShown';

/** What the screens need offline after sign-in: one whole pull of the feed, and the categories and vocabularies. */
export const hasOfflineData = (state) => !!(state.sync?.lastSyncAt && state.categories.length && state.vocab);

/**
 * 'ready' (the service worker controls the page, so the shell is cached whole, and a signed-in user's data
 * is on the phone), 'preparing', 'retrying' (a try failed; another is on its way) or 'unsupported'.
 */
export function offlineReadiness(state) {
  if (state.shell === 'unsupported') return 'unsupported';
  const data = !state.session || hasOfflineData(state);
  if (state.shell === 'ready' && data) return 'ready';
  if (state.shell === 'retrying' || (!data && state.offlineDataTries > 1)) return 'retrying';
  return 'preparing';
}

const MESSAGES = { ready: 'offlineReady', preparing: 'offlinePreparing', retrying: 'offlineRetrying',
  unsupported: 'offlineUnsupported' };
const LOOKS = { ready: 'flash', preparing: 'notice', retrying: 'notice warn', unsupported: 'notice warn' };

/**
 * The state in a line. `once`: only until this phone was first ready for offline use, and for a moment
 * after, to say so (the frame's banner); without it, always (the login screen, settings).
 */
export function OfflineStatus({ once = false }) {
  const [, rerender] = useReducer((n) => n + 1, 0);
  const readiness = offlineReadiness(state);
  const shown = once && Number(localStorage.getItem(SHOWN_KEY));
  if (once && readiness === 'ready' && !shown) localStorage.setItem(SHOWN_KEY, String(Date.now()));
  const left = shown ? shown + 8000 - Date.now() : 8000;
  useEffect(() => {
    if (once && readiness === 'ready' && left > 0) {
      const timer = setTimeout(rerender, left);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [once, readiness, left > 0]);
  if (once && left <= 0) return null;
  return html`<p class=${`small ${LOOKS[readiness]}`} role="status" data-testid="offline-status" data-state=${readiness}>
    ${t(MESSAGES[readiness])}</p>`;
}
