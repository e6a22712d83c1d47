/**
 * The service worker: the app shell precached into a cache named by its version, navigations answered
 * with it, photo copies cached by their content address, and the outbox replayed by Background Sync.
 * API reads and every write go to the network.
 *
 * The install survives a bad network: each shell file is fetched again with back-off when its download
 * fails, and is kept only whole (the build's SHA-384 of it, checked by the browser as it reads the body),
 * so one dropped or cut answer no longer fails the install, nor does a short file get cached. Files
 * already cached by an earlier try of the same version are kept. The first version takes control of the
 * open page as soon as it is active; a later one waits for the user's 更新 (SKIP_WAITING).
 * A warning pushed by the server (预警推送, where it has a push service) is shown as a notification.
 */
import { registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { replayOutbox, SYNC_TAG } from './lib/background-sync.js';
import { retrying } from './lib/retry.js';
import { warningNotice } from './lib/push-notice.js';
import { renewSubscription } from './lib/push.js';

// [{url, revision, integrity}], written in by the build (vite.config.js adds the integrity).
const SHELL = self.__WB_MANIFEST;
const RUNTIME_CACHES = ['safegrid-photos-v1'];
const SHELL_CACHE = `safegrid-shell-${versionOf(SHELL)}`;
const INDEX = new URL('index.html', self.registration.scope).href;
// The build lists the web manifest twice, the second time without its integrity: the first entry wins.
const SHELL_URLS = new Map(SHELL.map((entry) => [new URL(entry.url, self.registration.scope).href, entry]).reverse());

// Opened once for the worker's life: every navigation and shell file is answered from it, on a start's critical path.
let shellCache = null;
const openShell = () => (shellCache ??= caches.open(SHELL_CACHE).catch((error) => { shellCache = null; throw error; }));

/** A short name for this set of files (FNV-1a of the manifest): the same files share a cache across releases. */
function versionOf(manifest) {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify(manifest)) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return (hash >>> 0).toString(36);
}

class ShellFileError extends Error {
  constructor(url, status) {
    super(`${url}: HTTP ${status}`);
    this.status = status;
  }
}

/** One shell file, whole: the body is read here, so a cut answer or a wrong hash fails now, not from the cache later. */
async function fetchWhole(url, entry, attempt) {
  const response = await fetch(new Request(url, {
    integrity: entry.integrity || '',
    credentials: 'same-origin',
    // A file named by its hash may come from the HTTP cache the page just filled; never after a failure.
    cache: entry.revision || attempt > 0 ? 'reload' : 'default',
  }));
  if (!response.ok) throw new ShellFileError(url, response.status);
  const body = await response.arrayBuffer();
  // A new Response: no `redirected` flag, which would make the browser refuse it for a navigation.
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function precacheShell() {
  const cache = await openShell();
  await Promise.all([...SHELL_URLS].map(async ([url, entry]) => {
    if (await cache.match(url)) return;
    const response = await retrying((attempt) => fetchWhole(url, entry, attempt), {
      tries: 6,
      base: 500,
      max: 8000,
      // A 4xx will not mend: the release changed under us, and the page registers the new one later.
      retryable: (error) => !(error.status >= 400 && error.status < 500),
    });
    await cache.put(url, response);
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precacheShell());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      // our older shells, and the Workbox precache of releases before this scheme
      .filter((name) => (name.startsWith('safegrid-') || name.startsWith('workbox-precache'))
        && name !== SHELL_CACHE && !RUNTIME_CACHES.includes(name))
      .map((name) => caches.delete(name)));
    // Control the page that installed us, so it is ready offline without a reload. Only an activation
    // the user allowed (an update) or the first one gets here: pages an older version controls move
    // to the new version in any case, and reload on its controllerchange.
    await self.clients.claim();
  })());
});

async function fromShell(url, request) {
  const cached = await (await openShell()).match(url);
  return cached || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  // The public pages of published draws (公示, served by the server, no login) are not the app's.
  if (url.pathname === '/public' || url.pathname.startsWith('/public/')) return;
  // Any page of the app, including /S/<code> opened from a tag offline, is the shell.
  if (request.mode === 'navigate') {
    event.respondWith(fromShell(INDEX, request));
    return;
  }
  // The query left out: boot.js asks again for a file that failed with ?retry=n.
  const key = url.origin + url.pathname;
  if (SHELL_URLS.has(key)) event.respondWith(fromShell(key, request));
});

// A photo copy's URL holds its SHA-256: it never changes, so cache-first cannot serve anything stale.
registerRoute(
  ({ request, url }) => request.method === 'GET'
    && /^\/api\/v1\/photos\/[^/]+\/(display|thumb)\/[0-9a-f]+\.jpg$/.test(url.pathname),
  new CacheFirst({ cacheName: RUNTIME_CACHES[0], plugins: [new ExpirationPlugin({ maxEntries: 300 })] }),
);

self.addEventListener('message', (event) => {
  // The page asks for the update when the user taps 更新: never on our own.
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
  // A page the browser opened without us (a hard reload) asks to be taken back.
  if (event.data?.type === 'CLAIM') event.waitUntil(self.clients.claim());
});

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(replayOutbox());
});

// 预警推送 (lib/push.js subscribes where the server has a push service): a notice in Chinese (lib/push-notice.js);
// a tap opens the warning, in the app's window if one is open.
self.addEventListener('push', (event) => {
  let message = {};
  try { message = event.data?.json() ?? {}; } catch { /* not JSON: still shown, as a push must be */ }
  event.waitUntil(self.registration.showNotification(...warningNotice(message)));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(`/${event.notification.data?.hash ?? '#/warnings'}`, self.registration.scope).href;
  event.waitUntil((async () => {
    const open = (await self.clients.matchAll({ type: 'window', includeUncontrolled: true }))
      .find((client) => new URL(client.url).origin === self.location.origin);
    if (!open) return self.clients.openWindow(url);
    await open.focus();
    return open.navigate(url).catch(() => self.clients.openWindow(url));
  })());
});

self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(renewSubscription(self.registration, event.newSubscription).catch(() => {}));
});
