import { describe, expect, it } from 'vitest';
import {
  filterHazards, filtersQuery, findSites, isListed, isOverdue, isTransferred, matchesFilters, readFilters,
} from '../src/lib/filters.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const SITES = { s1: '民族街农贸市场', s2: '花楼街商场' };
const siteName = (id) => SITES[id];
const hazard = (fields) => ({ id: 'h', state: 'reported', level: 'general', category: 'fire', site_id: 's1',
  street_id: 11, grid_id: 1101, description: '安全出口被杂物堵塞', responsible_party: '', ...fields });

describe('what the facts mean, as the API means them', () => {
  it('is overdue only while being rectified past its deadline', () => {
    expect(isOverdue(hazard({ state: 'rectifying', deadline: '2026-12-03T11:59:00Z' }), NOW)).toBe(true);
    expect(isOverdue(hazard({ state: 'rectifying', deadline: '2026-12-03T12:01:00Z' }), NOW)).toBe(false);
    expect(isOverdue(hazard({ state: 'submitted', deadline: '2026-12-01T00:00:00Z' }), NOW)).toBe(false);
    expect(isOverdue(hazard({ state: 'rectifying', deadline: null }), NOW)).toBe(false);
  });

  it('is listed from listing until de-listing, open or closed', () => {
    expect(isListed(hazard({ state: 'closed', listed_at: '2026-11-01T00:00:00Z', delisted_at: null }))).toBe(true);
    expect(isListed(hazard({ listed_at: '2026-11-01T00:00:00Z', delisted_at: '2026-12-01T00:00:00Z' }))).toBe(false);
    expect(isListed(hazard({}))).toBe(false);
  });

  it('is transferred once a station transferred it', () => {
    expect(isTransferred(hazard({ transferred_at: '2026-12-03T10:00:00Z' }))).toBe(true);
    expect(isTransferred(hazard({ transferred_at: null }))).toBe(false);
  });
});

describe('filtering the synced hazards', () => {
  const late = hazard({ id: 'late', state: 'rectifying', deadline: '2026-12-01T00:00:00Z', responsible_party: '市场管理公司' });
  const lane = hazard({ id: 'lane', site_id: 's2', street_id: 12, grid_id: 1201, category: 'electrical',
    description: '电动车室内充电 100%_满', transferred_at: '2026-12-03T10:00:00Z' });
  const listed = hazard({ id: 'listed', state: 'closed', level: 'major', listed_at: '2026-11-01T00:00:00Z' });
  const all = [late, lane, listed];
  const ids = (filters) => filterHazards(all, filters, { siteName, now: NOW }).map((h) => h.id);

  it('searches the description, the site name and the responsible party, the text taken literally', () => {
    expect(ids({ q: '杂物' })).toEqual(['late', 'listed']);
    expect(ids({ q: '商场' })).toEqual(['lane']); // the site's name
    expect(ids({ q: '市场管理' })).toEqual(['late']); // the responsible party
    expect(ids({ q: '100%_' })).toEqual(['lane']);
    expect(ids({ q: '出口_堵' })).toEqual([]);
    expect(ids({ q: '  ' })).toEqual(['late', 'lane', 'listed']);
  });

  it('narrows by state, level, category, site and street', () => {
    expect(ids({ state: 'rectifying' })).toEqual(['late']);
    expect(ids({ level: 'major' })).toEqual(['listed']);
    expect(ids({ category: 'electrical' })).toEqual(['lane']);
    expect(ids({ site_id: 's1' })).toEqual(['late', 'listed']);
    expect(ids({ area_id: '12' })).toEqual(['lane']);
    expect(ids({ area_id: '1101' })).toEqual(['late', 'listed']); // a grid
  });

  it('answers each yes-or-no filter both ways', () => {
    expect(ids({ overdue: true })).toEqual(['late']);
    expect(ids({ overdue: false })).toEqual(['lane', 'listed']);
    expect(ids({ listed: true })).toEqual(['listed']);
    expect(ids({ listed: false })).toEqual(['late', 'lane']);
    expect(ids({ transferred: true })).toEqual(['lane']);
    expect(ids({ transferred: false })).toEqual(['late', 'listed']);
  });

  it('combines filters', () => {
    expect(ids({ q: '杂物', state: 'closed' })).toEqual(['listed']);
    expect(matchesFilters(late, { q: '杂物', overdue: false }, { siteName, now: NOW })).toBe(false);
  });
});

describe('the query string', () => {
  it('reads the filters it names and writes them back the same', () => {
    const filters = readFilters(new URLSearchParams('q=%E6%9D%82%E7%89%A9&state=reported&overdue=true&listed=false&x=1'));
    expect(filters).toEqual({ q: '杂物', state: 'reported', overdue: true, listed: false });
    expect(readFilters(new URLSearchParams(filtersQuery(filters)))).toEqual(filters);
  });

  it('leaves out what is not set, and a yes-or-no filter that is neither', () => {
    expect(filtersQuery({ q: '', state: undefined, level: null, listed: true })).toBe('listed=true');
    expect(readFilters(new URLSearchParams('overdue=maybe&state='))).toEqual({});
  });
});

describe('finding sites', () => {
  const sites = [{ name: '民族街农贸市场', address: '民族路 1 号', enterprise: { name: '武汉某市场有限公司' } },
    { name: '花楼街消防通道', address: 'Hualou Street', enterprise: null }];
  it('by name, address or enterprise, in any case', () => {
    expect(findSites(sites, '农贸').map((s) => s.name)).toEqual(['民族街农贸市场']);
    expect(findSites(sites, '有限公司').map((s) => s.name)).toEqual(['民族街农贸市场']);
    expect(findSites(sites, 'huALOU').map((s) => s.name)).toEqual(['花楼街消防通道']);
    expect(findSites(sites, '')).toHaveLength(2);
  });
});
