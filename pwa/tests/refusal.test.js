import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadLang, setLang } from '../src/i18n/index.js';
import { ApiError } from '../src/lib/api.js';
import { refusal } from '../src/lib/refusal.js';

// setLang remembers the choice and retitles the page: a store and a page that keep nothing.
vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => {} });
vi.stubGlobal('document', { documentElement: {}, title: '' });

const USER = ['username', 'phone', 'name', 'password'];

describe('the API\'s refusals beside their fields', () => {
  afterEach(() => setLang('zh-CN'));

  it('puts a taken username beside the username, not at the top', () => {
    const e = new ApiError(409, { code: 'duplicate_username', message: '该用户名已被其他用户使用' });
    expect(refusal(e, USER)).toEqual({ username: '该用户名已被其他用户使用' });
  });

  it('puts a role\'s problem beside that role\'s part', () => {
    const e = new ApiError(422, { code: 'validation_error', message: '提交的数据有误',
      errors: { json: { roles: { 1: { area_id: ['区域不存在或不在您的范围内 / no such area within your scope'] } } } } });
    expect(refusal(e, USER)).toEqual({ 'roles.1.area_id': '区域不存在或不在您的范围内' });
  });

  it('shows a message given in both languages in the reader\'s only', async () => {
    const e = new ApiError(422, { errors: { json: { uscc: ['校验位不正确 / the check character is wrong'] } } });
    expect(refusal(e, ['uscc'])).toEqual({ uscc: '校验位不正确' });
    await loadLang('en');
    expect(refusal(e, ['uscc'])).toEqual({ uscc: 'the check character is wrong' });
  });

  it('says at the top what belongs to no field of the form', () => {
    const outside = new ApiError(403, { code: 'account_outside_scope', message: '该账户还持有您管辖范围以外的角色' });
    expect(refusal(outside, USER)).toEqual({ '': '该账户还持有您管辖范围以外的角色' });
    const other = new ApiError(422, { message: '提交的数据有误', errors: { json: { grid_id: ['应为一个网格的编号'] } } });
    expect(refusal(other, ['name'])['']).toBe('提交的数据有误 应为一个网格的编号');
    expect(refusal(new ApiError(412, {}), USER)['']).toBe('该记录已被他人修改，请返回重新打开后再改。');
  });
});
