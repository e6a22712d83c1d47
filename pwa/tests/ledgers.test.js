import { describe, expect, it } from 'vitest';
import { LEDGER_KINDS, ledgerQuery } from '../src/lib/ledgers.js';
import zh from '../src/i18n/zh-CN.js';
import en from '../src/i18n/en.js';

describe('the ledgers screen', () => {
  it('sends the hazard list\'s own filters, and none to the other ledgers', () => {
    expect(ledgerQuery('hazards', { open: true, level: 'major' })).toBe('?open=true&level=major');
    expect(ledgerQuery('hazards', { open: false, level: '' })).toBe('');
    expect(ledgerQuery('sites', { open: true, level: 'major' })).toBe('');
  });

  it('names every ledger and every state of an export in both languages', () => {
    for (const table of [zh, en]) {
      for (const kind of LEDGER_KINDS) expect(table[`ledger_${kind}`]).toBeTruthy();
      for (const state of ['queued', 'running', 'ready', 'failed']) expect(table[`ledgerState_${state}`]).toBeTruthy();
    }
  });
});
