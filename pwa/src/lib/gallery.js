/** Moving through a hazard's photos in the viewer: by button, arrow key or swipe, round from the last to the first. */

/** The index `delta` photos on from `index`, of `count`, wrapping round at either end. */
export const stepIndex = (index, delta, count) => (count > 0 ? (((index + delta) % count) + count) % count : 0);

/** The least horizontal travel, in CSS pixels, that reads as a swipe rather than a tap. */
export const SWIPE_PX = 50;

/** The step a finger's travel (dx, dy) means: a swipe left is the next photo (+1), right the one before (-1);
 * a short or mostly vertical move (a tap, scrolling) is none (0). */
export function swipeStep(dx, dy) {
  if (Math.abs(dx) < SWIPE_PX || Math.abs(dx) <= Math.abs(dy)) return 0;
  return dx < 0 ? 1 : -1;
}

/** The step a key means: → next, ← previous, anything else none. */
export const keyStep = (key) => ({ ArrowRight: 1, ArrowLeft: -1 })[key] ?? 0;
