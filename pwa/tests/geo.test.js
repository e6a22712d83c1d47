import { describe, expect, it, vi } from 'vitest';
import { loadLang, setLang } from '../src/i18n/index.js';
import { distanceM, roughDistance, whereText } from '../src/lib/geo.js';

vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => {} });
vi.stubGlobal('document', { documentElement: {}, title: '' });

// A market in 民族街道 and points at known distances from it (1° of latitude ≈ 111.2 km).
const SITE = { latitude: 30.57636, longitude: 114.28747 };
const north = (m) => ({ latitude: SITE.latitude + m / 111_195, longitude: SITE.longitude });

describe('where a report is made', () => {
  it('measures the great-circle distance as the server does', () => {
    expect(distanceM(SITE, SITE)).toBe(0);
    expect(distanceM(north(35), SITE)).toBeCloseTo(35, 0);
    expect(distanceM(SITE, { latitude: 30.58636, longitude: 114.29747 })).toBeCloseTo(1467, -1);
  });

  it('rounds a distance as far as GPS can tell it', () => {
    setLang('zh-CN');
    expect([roughDistance(3.4), roughDistance(36), roughDistance(242), roughDistance(1481)])
      .toEqual(['3 米', '35 米', '240 米', '1.5 公里']);
  });

  it('says how far the phone is from the site, never its coordinates', async () => {
    setLang('zh-CN');
    const fix = { ...north(35), accuracy_m: 8.4 };
    const text = whereText({ fix, site: SITE });
    expect(text).toBe('距场所约 35 米（精度 ±8 米）');
    expect(text).not.toMatch(/30\.57|114\.28/);
    await loadLang('en');
    expect(whereText({ fix, site: SITE })).toBe('About 35 m from the site (accuracy ±8 m)');
    setLang('zh-CN');
  });

  it('names the grid for a report by grid, and says when there is no fix', () => {
    setLang('zh-CN');
    const fix = { ...north(35), accuracy_m: 12 };
    expect(whereText({ fix, gridName: '民族街道第一网格' })).toBe('网格：民族街道第一网格 · 已定位（精度 ±12 米）');
    expect(whereText({ fix: null, gridName: '民族街道第一网格' })).toBe('网格：民族街道第一网格 · 未获取到位置');
    expect(whereText({ fix: null, site: SITE })).toBe('未获取到位置');
    expect(whereText({ fix, site: { latitude: null, longitude: null } })).toBe('已定位（精度 ±12 米）');
  });
});
