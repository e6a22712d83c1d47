import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installShell } from '../src/lib/install.js';

class FakeWorker extends EventTarget {
  constructor(state) { super(); this.state = state; this.messages = []; }
  postMessage(message) { this.messages.push(message); }
  become(state) { this.state = state; this.dispatchEvent(new Event('statechange')); }
}

class FakeRegistration extends EventTarget {
  constructor({ installing = null, waiting = null, active = null } = {}) {
    super();
    Object.assign(this, { installing, waiting, active });
  }
}

/** navigator.serviceWorker as the browser has it: register() answers in turn with what `answers` give. */
class FakeContainer extends EventTarget {
  constructor(answers, controller = null) {
    super();
    this.controller = controller;
    this.register = vi.fn(async () => answers.shift()());
  }
  claim(worker) { this.controller = worker; this.dispatchEvent(new Event('controllerchange')); }
}

const flush = () => new Promise((resolve) => { setImmediate(resolve); });

describe('installShell (the service worker through a bad network)', () => {
  let win;
  let states;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    win = new EventTarget();
    states = [];
  });
  afterEach(() => vi.useRealTimers());

  it('registers again when sw.js did not arrive, at once when the network returns, and is ready once it controls the page', async () => {
    const worker = new FakeWorker('installing');
    const container = new FakeContainer([
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => Promise.resolve(new FakeRegistration({ installing: worker })),
    ]);
    installShell({ container, win, onShell: (s) => states.push(s), onUpdate: () => {} });
    await flush();
    expect(states).toEqual(['installing', 'installing']); // one failure is no news yet

    win.dispatchEvent(new Event('online'));
    await flush();
    expect(container.register).toHaveBeenCalledTimes(2);
    worker.become('activated');
    container.claim(worker); // the first version takes the open page: no reload
    expect(states).toEqual(['installing', 'installing', 'installing', 'ready']);
  });

  it('registers again after a back-off when the install gave up, without a reload', async () => {
    const failed = new FakeWorker('installing');
    const second = new FakeWorker('installing');
    const container = new FakeContainer([
      () => Promise.resolve(new FakeRegistration({ installing: failed })),
      () => Promise.resolve(new FakeRegistration({ installing: second })),
      () => Promise.resolve(new FakeRegistration({ installing: second })),
    ]);
    const reload = vi.fn();
    installShell({ container, win, reload, onShell: (s) => states.push(s), onUpdate: () => {},
      timing: { base: 5000, jitter: 0 } });
    await flush();
    failed.become('redundant'); // a shell file failed every try
    expect(container.register).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    await flush();
    expect(container.register).toHaveBeenCalledTimes(2);
    second.become('redundant'); // and again: now the phone says so
    expect(states.at(-1)).toBe('retrying');
    vi.advanceTimersByTime(9999);
    await flush();
    expect(container.register).toHaveBeenCalledTimes(2); // the back-off doubled
    vi.advanceTimersByTime(1);
    await flush();
    expect(container.register).toHaveBeenCalledTimes(3);
    second.become('activated');
    container.claim(second);
    expect(states.at(-1)).toBe('ready');
    expect(reload).not.toHaveBeenCalled();
  });

  it('offers a new version only to the user, and starts it when asked', async () => {
    const current = new FakeWorker('activated');
    const registration = new FakeRegistration({ active: current });
    const container = new FakeContainer([() => Promise.resolve(registration)], current);
    const reload = vi.fn();
    let apply = null;
    installShell({ container, win, reload, onShell: (s) => states.push(s), onUpdate: (fn) => { apply = fn; } });
    await flush();
    expect(states).toEqual(['ready']);

    const next = new FakeWorker('installing');
    registration.installing = next;
    registration.dispatchEvent(new Event('updatefound'));
    next.become('installed');
    expect(apply).toBeTypeOf('function');
    expect(next.messages).toEqual([]); // it waits

    apply();
    expect(next.messages).toEqual([{ type: 'SKIP_WAITING' }]);
    container.claim(next);
    expect(reload).toHaveBeenCalledOnce();
  });

  it('says so where there is no service worker', () => {
    installShell({ container: undefined, win, onShell: (s) => states.push(s), onUpdate: () => {} });
    expect(states).toEqual(['unsupported']);
  });
});
