/** Start: language, IndexedDB, the session; then the screen, the outbox replay, the feed and the service worker. */
import { render } from 'preact';
import { html } from 'htm/preact';
import { registerSW } from 'virtual:pwa-register';
import './styles.css';
import { currentLang, setLang } from './i18n/index.js';
import { App } from './app.js';
import { kick, outbox, setState, start, state, syncNow } from './store.js';
import { navigate } from './router.js';
import { codeFromInput, compactCode } from './lib/tags.js';

setLang(currentLang());

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

const updateSW = registerSW({
  onNeedRefresh() { setState({ update: () => updateSW(true) }); },
});

// Replay: when the network returns, every minute (the back-off decides whether to send), and
// when the app comes back to the foreground. The feed is pulled every five minutes while open.
window.addEventListener('online', () => { setState({ online: true }); kick(); });
window.addEventListener('offline', () => setState({ online: false }));
setInterval(() => { if (state.session) outbox.flush(); }, 60_000);
setInterval(() => { if (state.session && navigator.onLine && !document.hidden) syncNow(); }, 5 * 60_000);
document.addEventListener('visibilitychange', () => { if (!document.hidden) kick({ force: false }); });
