/**
 * Installing the app for offline use: the service worker registered, and registered again later (with
 * back-off, and at once when the network returns) when its download or its install failed, without a
 * reload. Reports the shell's state, and a new version waiting for the user's 更新.
 *
 * shell: 'installing' (the worker is fetching the shell), 'ready' (it is active and controls this page,
 * so the shell is cached whole), 'retrying' (tries have failed; another is scheduled), 'unsupported'.
 */
import { backoff } from './retry.js';

/**
 * installShell({onShell(state), onUpdate(apply)}) → stop(). `container` (navigator.serviceWorker),
 * `win` (window) and `reload` are the browser's unless a test gives its own.
 */
export function installShell({ onShell, onUpdate, url = '/sw.js', container = globalThis.navigator?.serviceWorker,
  win = globalThis, reload = () => win.location.reload(), timing = { base: 5000, max: 5 * 60_000 } } = {}) {
  if (!container) {
    onShell('unsupported');
    return () => {};
  }
  let failures = 0;
  let timer = null;
  let updating = false;
  let stopped = false;

  const ready = () => { failures = 0; onShell('ready'); };

  function failed() {
    if (stopped) return;
    onShell(failures > 0 ? 'retrying' : 'installing'); // one blip is retried quietly: say it from the second
    clearTimeout(timer);
    timer = setTimeout(attempt, backoff(failures, timing));
    failures += 1;
  }

  // A worker that installs while another controls the page is a new version: it waits for the user.
  function watchUpdate(registration, worker) {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed' && container.controller) offer(worker);
    });
  }
  function offer(worker) {
    onUpdate(() => { updating = true; worker.postMessage({ type: 'SKIP_WAITING' }); });
  }

  container.addEventListener('controllerchange', () => {
    if (updating) reload(); // the version the user asked for: start it
    else ready(); // the first version claimed this page
  });

  async function attempt() {
    clearTimeout(timer);
    timer = null;
    if (stopped) return;
    if (!container.controller) onShell('installing');
    let registration;
    try {
      registration = await container.register(url, { scope: '/' });
    } catch {
      failed(); // sw.js did not arrive whole
      return;
    }
    registration.addEventListener('updatefound', () => watchUpdate(registration, registration.installing));
    if (registration.waiting && container.controller) offer(registration.waiting);
    if (container.controller) {
      ready();
      return;
    }
    if (registration.active) {
      // Active, yet not ours: a hard reload opened the page past it.
      registration.active.postMessage({ type: 'CLAIM' });
      return;
    }
    const worker = registration.installing || registration.waiting;
    worker?.addEventListener('statechange', () => {
      // The install gave up (a file failed every try): the browser dropped the registration.
      if (worker.state === 'redundant' && !container.controller) failed();
    });
  }

  const retryNow = () => { if (timer) attempt(); };
  win.addEventListener('online', retryNow);
  attempt();
  return () => { stopped = true; clearTimeout(timer); win.removeEventListener('online', retryNow); };
}
