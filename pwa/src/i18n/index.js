/**
 * The interface language: zh-CN by default, English on request, remembered on the phone. The Chinese strings come
 * with the app; the English ones are a chunk of their own, loaded (loadLang) only by a phone set to English.
 */
import zh from './zh-CN.js';
import { timeParts } from '../lib/dates.js';

const MESSAGES = { 'zh-CN': zh };
const LOADERS = { en: () => import('./en.js') };
const KEY = 'safegrid.lang';
let lang = (globalThis.localStorage?.getItem(KEY)) || 'zh-CN';
if (!MESSAGES[lang] && !LOADERS[lang]) lang = 'zh-CN';

export const languages = [['zh-CN', '中文'], ['en', 'English']];
export const currentLang = () => lang;
/** A name the server gives in both languages ({zh, en}: a vocabulary's term), in the interface's. */
export const named = (term) => (lang === 'en' ? term.en : term.zh);

/** Switch to `value` once its strings are here (loaded now if need be); if they cannot be loaded, Chinese stays. */
export async function loadLang(value) {
  if (!MESSAGES[value] && LOADERS[value]) {
    try {
      MESSAGES[value] = (await LOADERS[value]()).default;
    } catch {
      return setLang('zh-CN', { remember: false }); // the choice is kept: the next start tries again
    }
  }
  return setLang(value);
}

/** Switch to a language whose strings are loaded (zh-CN always is), remembered unless told otherwise. */
export function setLang(value, { remember = true } = {}) {
  lang = MESSAGES[value] ? value : 'zh-CN';
  if (remember) localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
  document.title = t('appName');
  return lang;
}

/** The message `key` in the current language, with {name} placeholders filled from `params`. */
export function t(key, params = {}) {
  const text = MESSAGES[lang][key] ?? zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] ?? ''));
}

/**
 * A server time shown in Asia/Shanghai, whatever zone the phone is set to: "14:05" today, "12/01 14:05"
 * on another day, "2025/12/30 14:05" in another year; `year: true` always shows the year (deadlines),
 * `date: false` never shows the date (a time that is today's by construction).
 */
export function formatTime(iso, { date = true, year = false, now = Date.now() } = {}) {
  if (!iso) return '';
  const parts = date ? timeParts(iso, { now, year }) : { date: false, year: false };
  return new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', hour12: false, hour: '2-digit', minute: '2-digit',
    ...(parts.date ? { month: '2-digit', day: '2-digit' } : {}),
    ...(parts.year ? { year: 'numeric' } : {}),
  });
}

/** A server date (a day: a deadline, the day a report was filed) in Asia/Shanghai, with its year. */
export function formatDate(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  });
}
