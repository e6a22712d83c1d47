/**
 * Start: language, IndexedDB, the session; then the screen, the outbox replay, the feed, and the service
 * worker (installed through a bad network: lib/install.js), with what offline use still waits for.
 */
import { render } from 'preact';
import { html } from 'htm/preact';
import './styles.css';
import { App } from './app.js';
import { kick, outbox, pollFeed, setState, start, state, subscribe, syncNow } from './store.js';
import { WARNING_POLL_MS } from './lib/warnings.js';
import { navigate } from './router.js';
import { codeFromInput, compactCode } from './lib/tags.js';
import { installShell } from './lib/install.js';
import { backoff } from './lib/retry.js';
import { hasOfflineData } from './lib/readiness.js';
import { followSession } from './lib/push.js';

/** A tag URL opened by the phone's own camera: /?tag=CODE (the server's redirect) or /S/CODE (served offline). */
function tagFromLocation() {
  const query = new URLSearchParams(location.search).get('tag');
  const path = location.pathname.match(/^\/s\/([^/]+)/i);
  const code = compactCode(query || (path ? codeFromInput(location.pathname) : ''));
  if (query || path) history.replaceState(null, '', `/${location.hash}`);
  return code;
}

const pendingTag = tagFromLocation();
render(html`<${App} />`, document.getElementById('app'));

start().then(() => {
  if (pendingTag) navigate(`/tag/${pendingTag}`, { replace: true });
});

setState({ shell: 'installing', offlineDataTries: 0 });
// Registered once the page has loaded, as the service worker's own downloads of the whole shell would
// otherwise share a slow first connection with the files this first screen is waiting for.
const install = () => installShell({
  onShell: (shell) => setState({ shell }),
  onUpdate: (apply) => setState({ update: apply }),
});
if (document.readyState === 'complete') install();
else window.addEventListener('load', install, { once: true });

// After sign-in, until the phone holds what it needs offline, pull again with back-off (a cut answer
// fails a pull; the five-minute feed timer below is too slow for a first start).
let dataTimer = null;
subscribe(() => {
  if (dataTimer || !state.ready || !state.session || state.syncing) return;
  if (hasOfflineData(state)) {
    if (state.offlineDataTries) setState({ offlineDataTries: 0 });
    return;
  }
  dataTimer = setTimeout(() => {
    dataTimer = null;
    setState({ offlineDataTries: state.offlineDataTries + 1 });
    syncNow();
  }, backoff(state.offlineDataTries, { base: 2000, max: 60_000 }));
});

// Replay: when the network returns, every minute (the back-off decides whether to send), and
// when the app comes back to the foreground. The feed is pulled every five minutes while open.
window.addEventListener('online', () => { setState({ online: true }); kick(); });
window.addEventListener('offline', () => setState({ online: false }));
setInterval(() => { if (state.session) outbox.flush(); }, 60_000);
setInterval(() => { if (state.session && navigator.onLine && !document.hidden) syncNow(); }, 5 * 60_000);
// 预警: a new warning reaches an open app within WARNING_POLL_MS even without Web Push (the feed alone)
setInterval(() => { if (!document.hidden) pollFeed(); }, WARNING_POLL_MS);
// 预警推送 where the server has a push service: this browser's subscription follows who is signed in
subscribe(followSession(() => ({ ready: state.ready, userId: state.session?.user?.id ?? null })));
document.addEventListener('visibilitychange', () => { if (!document.hidden) kick({ force: false }); });
