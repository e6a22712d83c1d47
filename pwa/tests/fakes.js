/** A fake server for the outbox and the feed: answers scripted per request, records what arrived. */
export function json(status, body, headers = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body),
    { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** A transport whose answers come from `script(item, n)`: a Response, or a thrown Error for the network. */
export function fakeTransport(script) {
  const calls = [];
  const transport = async (item) => {
    calls.push(item);
    return script(item, calls.length);
  };
  return { transport, calls };
}

/** A clock the test moves by hand. */
export function fakeClock(start = Date.UTC(2026, 10, 29, 3, 0, 0)) {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

export const noTimers = { setTimer: () => 0, clearTimer: () => {} };
