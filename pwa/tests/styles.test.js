import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// boot.js takes a stylesheet as arrived whole when its marker applies: a block appended after the marker would be
// lost unnoticed when the sheet is cut between the two.
describe('styles.css', () => {
  it('ends with the marker boot.js checks', () => {
    const css = readFileSync(new URL('../src/styles.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    expect(css.trim().endsWith(':root { --styles-whole: 1; }')).toBe(true);
  });
});
