import { describe, expect, it, vi } from 'vitest';
import { currentLang, loadLang, setLang, t } from '../src/i18n/index.js';

const kept = {};
vi.stubGlobal('localStorage', { getItem: (key) => kept[key] ?? null, setItem: (key, value) => { kept[key] = value; } });
const page = { documentElement: {}, title: '' };
vi.stubGlobal('document', page);

describe('the interface language', () => {
  it('has Chinese with the app and English only once loaded, the choice remembered', async () => {
    expect(setLang('en')).toBe('zh-CN'); // its strings not loaded yet: Chinese
    expect(t('appName')).toBe('江汉安全网格');
    expect(await loadLang('en')).toBe('en');
    expect([currentLang(), t('appName'), page.title, page.documentElement.lang, kept['safegrid.lang']])
      .toEqual(['en', 'SafeGrid Jianghan', 'SafeGrid Jianghan', 'en', 'en']);
    expect(await loadLang('zh-CN')).toBe('zh-CN');
    expect(t('appName')).toBe('江汉安全网格');
  });
});
