/** The interface language: zh-CN by default, English on request, remembered on the phone. */
import zh from './zh-CN.js';
import en from './en.js';
import { timeParts } from '../lib/dates.js';

const MESSAGES = { 'zh-CN': zh, en };
const KEY = 'safegrid.lang';
let lang = (globalThis.localStorage?.getItem(KEY)) || 'zh-CN';
if (!MESSAGES[lang]) lang = 'zh-CN';

export const languages = [['zh-CN', '中文'], ['en', 'English']];
export const currentLang = () => lang;
/** A name the server gives in both languages ({zh, en}: a vocabulary's term), in the interface's. */
export const named = (term) => (lang === 'en' ? term.en : term.zh);

export function setLang(value) {
  lang = MESSAGES[value] ? value : 'zh-CN';
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
  document.title = t('appName');
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
