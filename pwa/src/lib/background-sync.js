/**
 * The service worker's side of the outbox: Background Sync replays it while no page is open, with the
 * same after-send update of the cached records as the page makes (src/lib/sent.js).
 */
import { currentSession, loadSession, transport } from './api.js';
import { CHANNEL_NAME, createOutbox } from './outbox.js';
import { applySent } from './sent.js';

/** The tag the page registers (after queueing something) and the service worker answers. */
export const SYNC_TAG = 'safegrid-outbox';

/**
 * One Background Sync replay. Resolves when the outbox is empty or waits for the user (paused after a
 * 401, or only items that need attention left); throws while items still wait (offline again, server
 * down), which asks the browser to try this sync later.
 */
export async function replayOutbox() {
  await loadSession();
  // The page, if one is open, hears what was sent through the channel and redraws.
  const channel = new BroadcastChannel(CHANNEL_NAME);
  try {
    const box = createOutbox({ transport, userId: () => currentSession()?.user?.id, onSent: applySent, channel });
    await box.flush({ force: true });
    box.stop();
    const { queued, paused } = await box.status();
    if (queued && !paused) throw new Error('outbox not empty');
  } finally {
    channel.close();
  }
}
