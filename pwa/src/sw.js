/**
 * The service worker: the app shell precached (versioned by Workbox, old versions removed on
 * activate), navigations answered with it offline, photo copies cached by their content address,
 * and the outbox replayed by Background Sync. API reads and every write go to the network.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { replayOutbox, SYNC_TAG } from './lib/background-sync.js';

const RUNTIME_CACHES = ['safegrid-photos-v1'];

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Any page of the app, including /S/<code> opened from a tag offline, is the shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }));

// A photo copy's URL holds its SHA-256: it never changes, so cache-first cannot serve anything stale.
registerRoute(
  ({ request, url }) => request.method === 'GET'
    && /^\/api\/v1\/photos\/[^/]+\/(display|thumb)\/[0-9a-f]+\.jpg$/.test(url.pathname),
  new CacheFirst({ cacheName: RUNTIME_CACHES[0], plugins: [new ExpirationPlugin({ maxEntries: 300 })] }),
);

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(names
    .filter((name) => name.startsWith('safegrid-') && !RUNTIME_CACHES.includes(name))
    .map((name) => caches.delete(name)))));
});

// The page asks for the update when the user taps 更新 (registerType 'prompt'): never on our own.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(replayOutbox());
});
