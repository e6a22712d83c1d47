import { describe, expect, it, vi } from 'vitest';
import { createPush, followSession, keyBytes, renewSubscription } from '../src/lib/push.js';
import { warningNotice } from '../src/lib/push-notice.js';

const KEY = 'BMd0oQpfeeUUMTV0BkxHgFGhiWdd2gGVd_oUnSoZ2iqYw-FlKsc6weCoLcp5TtP4wcuF9nr-wjfjcWV8mUJjrg4';
const OLD_KEY = 'BBiSlFDG4Q2FMpcwhSTojgpqIk9ZLkS5LW2EptY74X1FCTGSqL5Cuel6zhjYKmOoevBGhzmPXWZMR5LXyLdLfjw';
const WARNING = '6f1c2a9e-5b3d-4e8f-9a7c-1d2e3f4a5b6c';

class FakeSubscription {
  constructor(manager, key, n) {
    Object.assign(this, { manager, endpoint: `https://push.example.org/send/${n}?a=b`, options: { applicationServerKey: key.buffer } });
  }
  toJSON() { return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: 'P', auth: 'A' } }; }
  async unsubscribe() { this.manager.held = null; this.manager.dropped.push(this.endpoint); return true; }
}

/** A browser: its service worker's PushManager, its notification permission, and the server's answers. */
function browser({ enabled = true, key = KEY, permission = 'default', answer = 'granted', held = null } = {}) {
  const manager = {
    held: null, dropped: [], made: [],
    async getSubscription() { return this.held; },
    async subscribe(options) {
      this.made.push(options);
      this.held = new FakeSubscription(this, options.applicationServerKey, this.made.length);
      return this.held;
    },
  };
  if (held) manager.held = new FakeSubscription(manager, keyBytes(held), 0);
  const notifications = { permission, requestPermission: vi.fn(async () => { notifications.permission = answer; return answer; }) };
  const sent = [];
  const push = createPush({
    fetchJSON: async (path) => { expect(path).toBe('warnings/push'); return { enabled, public_key: enabled ? key : null }; },
    send: async (path, options) => { sent.push([options.method, path, options.json]); return { data: {} }; },
    container: { ready: Promise.resolve({ pushManager: manager }) },
    notifications,
    pushManager: true,
  });
  return { push, manager, notifications, sent };
}

describe('预警推送: subscribing this browser where the server has a push service', () => {
  it('does nothing, and asks nothing, where the server has no push service', async () => {
    const { push, manager, notifications, sent } = browser({ enabled: false });
    expect(await push.status()).toBe('off-server');
    expect(await push.enable()).toBe('off-server');
    expect([notifications.requestPermission.mock.calls.length, manager.made, sent]).toEqual([0, [], []]);
  });

  it('asks for notifications, subscribes with the server key and registers the subscription', async () => {
    const { push, manager, sent } = browser();
    expect(await push.status()).toBe('off');
    expect(await push.enable()).toBe('on');
    expect(manager.made).toHaveLength(1);
    expect(manager.made[0].userVisibleOnly).toBe(true);
    expect([...manager.made[0].applicationServerKey]).toEqual([...keyBytes(KEY)]);
    expect(manager.made[0].applicationServerKey).toHaveLength(65);
    expect(sent).toEqual([['POST', 'warnings/push/subscriptions', manager.held.toJSON()]]);
    expect(await push.status()).toBe('on');
  });

  it('subscribes nothing when notifications are refused, and says so', async () => {
    const { push, manager, sent } = browser({ answer: 'denied' });
    expect(await push.enable()).toBe('denied');
    expect([manager.made, sent]).toEqual([[], []]);
    expect(await push.status()).toBe('denied');
  });

  it('subscribes again when the deployment has a new key', async () => {
    const { push, manager, sent } = browser({ permission: 'granted', held: OLD_KEY });
    expect(await push.enable()).toBe('on');
    expect(manager.dropped).toEqual(['https://push.example.org/send/0?a=b']);
    expect([...new Uint8Array(manager.held.options.applicationServerKey)]).toEqual([...keyBytes(KEY)]);
    expect(sent.map(([method]) => method)).toEqual(['POST']);
  });

  it('turned off: the server forgets this endpoint, then the browser its subscription', async () => {
    const { push, manager, sent } = browser({ permission: 'granted', held: KEY });
    expect(await push.disable()).toBe('off');
    expect(sent).toEqual([['DELETE', 'warnings/push/subscriptions?endpoint=https%3A%2F%2Fpush.example.org%2Fsend%2F0%3Fa%3Db', undefined]]);
    expect(manager.held).toBe(null);
    expect(await push.status()).toBe('off');
  });

  it('follows who is signed in: registered again for them, let go when nobody is', async () => {
    const { push, manager, sent } = browser({ permission: 'granted', held: KEY });
    await push.follow('u1');
    expect(sent).toEqual([['POST', 'warnings/push/subscriptions', manager.held.toJSON()]]);
    await push.follow(null);
    expect([manager.held, sent.length]).toEqual([null, 1]); // the push service answers 410 next: the server forgets it
    await push.follow('u2'); // switched on by nobody here: stays off
    expect([manager.made, sent.length]).toEqual([[], 1]);
  });

  it('calls follow once per change of user, from when the app is ready', () => {
    const follow = vi.fn(async () => {});
    let now = { ready: false, userId: 'u1' };
    const listener = followSession(() => now, { follow });
    listener();
    now = { ready: true, userId: 'u1' };
    listener();
    listener();
    now = { ready: true, userId: null };
    listener();
    expect(follow.mock.calls).toEqual([['u1'], [null]]);
  });
});

describe('a subscription the browser renewed (the service worker)', () => {
  const made = [];
  const registration = { pushManager: { subscribe: async (options) => { made.push(options); return { toJSON: () => ({ endpoint: 'https://push.example.org/new' }) }; } } };
  const server = async () => ({ enabled: true, public_key: KEY });

  it('is registered for whoever is signed in, made afresh when the browser gave none', async () => {
    const sent = [];
    const send = async (path, options) => { sent.push([options.method, path, options.json]); };
    expect(await renewSubscription(registration, null, { signedIn: async () => true, fetchJSON: server, send })).toBe(true);
    expect([made.length, made[0].userVisibleOnly, made[0].applicationServerKey.length]).toEqual([1, true, 65]);
    expect(sent).toEqual([['POST', 'warnings/push/subscriptions', { endpoint: 'https://push.example.org/new' }]]);
  });

  it('is left alone when nobody is signed in', async () => {
    const send = vi.fn();
    expect(await renewSubscription(registration, null, { signedIn: async () => false, fetchJSON: server, send })).toBe(false);
    expect(send).not.toHaveBeenCalled();
  });
});

describe('the notice of a pushed warning', () => {
  it('says 预警, its level and title in Chinese, replaces the notice of the same warning and opens it', () => {
    const [title, options] = warningNotice({ id: WARNING, root_id: WARNING, type: 'alert', level: 'red', title: '红色暴雨预警' });
    expect([title, options.body, options.tag, options.data.hash, options.requireInteraction])
      .toEqual(['红色预警', '红色暴雨预警', `warning-${WARNING}`, `#/warnings/${WARNING}`, true]);
    const [, cancel] = warningNotice({ id: WARNING.replace('6f', '7f'), root_id: WARNING, type: 'cancel', level: 'yellow', title: '黄色暴雨预警' });
    expect([cancel.body, cancel.tag, cancel.requireInteraction]).toEqual(['黄色暴雨预警（已解除）', `warning-${WARNING}`, false]);
  });

  it('still shows something for a message it cannot read, and opens nothing it was not given', () => {
    const [title, options] = warningNotice({ id: '../../evil', level: 'purple' });
    expect([title, options.body, options.data.hash]).toEqual(['预警', '请打开应用查看', '#/warnings']);
  });
});
