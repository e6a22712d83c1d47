/**
 * 预警推送: Web Push for warnings, where the server has a push service (GET warnings/push gives its VAPID key).
 * This browser subscribes through the service worker's PushManager once the user switches it on and allows
 * notifications, and the subscription is registered for the signed-in user (idempotent by endpoint). It follows
 * who is signed in: registered again at each start (a new key: subscribed again), let go at sign-out (the push
 * service then answers 410 and the server forgets it); one the browser renews is registered by the service worker. Nothing else depends on it: warnings arrive by the feed
 * and the app's poll whatever happens here.
 *
 * status: 'off-server' (no push service: the switch is not shown), 'unsupported' (this browser cannot),
 * 'denied' (notifications blocked), 'on', 'off'.
 */
import { call, get, loadSession } from './api.js';

const SUBSCRIPTIONS = 'warnings/push/subscriptions';

/** A VAPID public key (base64url) as PushManager takes it. */
export function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

const sameKey = (subscription, key) => {
  const held = subscription.options?.applicationServerKey;
  if (!held) return true; // a browser that does not say: the server sends only to those made with its key
  const wanted = keyBytes(key);
  const bytes = new Uint8Array(held);
  return bytes.length === wanted.length && bytes.every((byte, i) => byte === wanted[i]);
};

/** The browser's objects unless a test gives its own. */
export function createPush({ fetchJSON = get, send = call, container = globalThis.navigator?.serviceWorker,
  notifications = globalThis.Notification, pushManager = 'PushManager' in globalThis } = {}) {
  const supported = Boolean(container && notifications && pushManager);
  const server = () => fetchJSON('warnings/push');
  const registration = () => container.ready;
  const held = async () => (await registration()).pushManager.getSubscription();

  async function status() {
    const { enabled } = await server();
    if (!enabled) return 'off-server';
    if (!supported) return 'unsupported';
    if (notifications.permission === 'denied') return 'denied';
    return notifications.permission === 'granted' && (await held()) ? 'on' : 'off';
  }

  /** Subscribed with the server's key (again if it changed) and registered for the signed-in user. */
  async function subscribeWith(key) {
    const worker = await registration();
    let subscription = await worker.pushManager.getSubscription();
    if (subscription && !sameKey(subscription, key)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ??= await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
    await send(SUBSCRIPTIONS, { method: 'POST', json: subscription.toJSON() });
    return 'on';
  }

  /** The switch turned on: ask for notifications (the browser asks only on a tap), subscribe, register. */
  async function enable() {
    const { enabled, public_key: key } = await server();
    if (!enabled) return 'off-server';
    if (!supported) return 'unsupported';
    if ((await notifications.requestPermission()) !== 'granted') return 'denied';
    return subscribeWith(key);
  }

  /** The switch turned off: the server forgets this browser, and the browser its subscription. */
  async function disable() {
    const subscription = await held();
    if (!subscription) return 'off';
    await send(`${SUBSCRIPTIONS}?endpoint=${encodeURIComponent(subscription.endpoint)}`, { method: 'DELETE' });
    await subscription.unsubscribe();
    return 'off';
  }

  /** Whoever is signed in now (null: nobody): a subscription this browser holds is registered for them again, or
   *  let go when nobody is. Failures are left for the next start: push is an extra. */
  async function follow(userId) {
    if (!supported || notifications.permission !== 'granted') return;
    const subscription = await held();
    if (!subscription) return;
    if (!userId) {
      await subscription.unsubscribe();
      return;
    }
    const { enabled, public_key: key } = await server();
    if (enabled) await subscribeWith(key);
  }

  return { status, enable, disable, follow };
}

export const push = createPush();

/** A store listener that calls follow() whenever the signed-in user changes, once the app is ready (main.js). */
export function followSession(current, instance = push) {
  let last;
  return () => {
    const { ready, userId } = current();
    if (!ready || userId === last) return;
    last = userId;
    instance.follow(userId).catch(() => {});
  };
}

/**
 * The service worker's side (pushsubscriptionchange): the browser renewed or dropped this phone's subscription, so
 * the new one (or one made afresh) is registered for whoever is signed in here. The old one answers 410 from then on.
 */
export async function renewSubscription(registration, fresh, { signedIn = async () => Boolean(await loadSession()),
  fetchJSON = get, send = call } = {}) {
  if (!(await signedIn())) return false;
  const { enabled, public_key: key } = await fetchJSON('warnings/push');
  if (!enabled) return false;
  const subscription = fresh
    ?? await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  await send(SUBSCRIPTIONS, { method: 'POST', json: subscription.toJSON() });
  return true;
}
