/** Whether the app is ready for offline use (lib/readiness.js), in a line: 已可离线使用, or what it still waits for. */
import { html } from 'htm/preact';
import { useEffect, useReducer } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { state } from '../store.js';
import { offlineReadiness } from '../lib/readiness.js';

const SHOWN_KEY = 'safegrid.offlineReadyShown';

const MESSAGES = { ready: 'offlineReady', preparing: 'offlinePreparing', retrying: 'offlineRetrying',
  unsupported: 'offlineUnsupported' };
const LOOKS = { ready: 'notice ok', preparing: 'notice', retrying: 'notice warn', unsupported: 'notice warn' };

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
  // Read out as it changes (aria-live), but no role="status": a screen's own status stays the only one.
  return html`<p class=${`small ${LOOKS[readiness]}`} aria-live="polite" data-testid="offline-status" data-state=${readiness}>
    ${t(MESSAGES[readiness])}</p>`;
}
