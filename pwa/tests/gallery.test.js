import { describe, expect, it } from 'vitest';
import { keyStep, stepIndex, swipeStep, SWIPE_PX } from '../src/lib/gallery.js';

describe('moving through a hazard\'s photos', () => {
  it('goes round from the last photo to the first and back', () => {
    expect([stepIndex(0, 1, 3), stepIndex(2, 1, 3), stepIndex(0, -1, 3), stepIndex(1, 0, 3)]).toEqual([1, 0, 2, 1]);
    expect([stepIndex(0, 1, 1), stepIndex(0, -1, 0)]).toEqual([0, 0]);
  });

  it('reads a swipe left as the next photo, right as the one before, and a tap or a scroll as neither', () => {
    expect([swipeStep(-120, 10), swipeStep(120, -10)]).toEqual([1, -1]);
    expect([swipeStep(SWIPE_PX - 1, 0), swipeStep(0, 0), swipeStep(-80, 200)]).toEqual([0, 0, 0]);
  });

  it('reads the arrow keys, and no other', () => {
    expect(['ArrowRight', 'ArrowLeft', 'Enter', 'ArrowUp'].map(keyStep)).toEqual([1, -1, 0, 0]);
  });
});
