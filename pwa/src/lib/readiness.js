/** Whether the app is ready for offline use, from the state the phone holds (store.js) and the shell's (lib/install.js). */

/** What the screens need offline after sign-in: one whole pull of the feed, and the categories and vocabularies. */
export const hasOfflineData = (state) => !!(state.sync?.lastSyncAt && state.categories.length && state.vocab);

/**
 * 'ready' (the service worker controls the page, so the shell is cached whole, and a signed-in user's data
 * is on the phone), 'preparing', 'retrying' (a try failed; another is on its way) or 'unsupported'.
 */
export function offlineReadiness(state) {
  if (state.shell === 'unsupported') return 'unsupported';
  const data = !state.session || hasOfflineData(state);
  if (state.shell === 'ready' && data) return 'ready';
  if (state.shell === 'retrying' || (!data && state.offlineDataTries > 1)) return 'retrying';
  return 'preparing';
}
