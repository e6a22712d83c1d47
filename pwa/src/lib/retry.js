/** Trying again with back-off: a shell file in the service worker's install, a sign-in, a registration. */

/** The wait before try `attempt` + 2: base·2^attempt, capped at `max`, spread by ±`jitter` so phones do not retry in step. */
export function backoff(attempt, { base = 1000, max = 30_000, jitter = 0.2, random = Math.random } = {}) {
  const delay = Math.min(base * 2 ** attempt, max);
  return Math.round(delay * (1 - jitter + 2 * jitter * random()));
}

export const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * task(attempt) until it resolves, at most `tries` times, waiting backoff() between tries. An error that
 * `retryable(error)` refuses, or the last one, is thrown; onRetry(nextAttempt, error) runs before each wait.
 */
export async function retrying(task, { tries = 4, retryable = () => true, onRetry, wait = sleep, ...timing } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await task(attempt);
    } catch (error) {
      if (attempt + 1 >= tries || !retryable(error)) throw error;
      onRetry?.(attempt + 1, error);
      await wait(backoff(attempt, timing));
    }
  }
}
