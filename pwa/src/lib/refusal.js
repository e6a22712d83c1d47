/** The API's refusal (its one error shape) as messages beside the fields they concern, in the reader's language. */
import { currentLang, t } from '../i18n/index.js';

/** A message the API gives in both languages at once ("校验位不正确 / the check character is wrong"), in ours. */
function ourLanguage(message) {
  const parts = String(message).split(' / ');
  return parts.length === 2 ? parts[currentLang() === 'en' ? 1 : 0] : message;
}

/**
 * The API's refusal as messages by field ("name", "roles.0.area_id"), for the form whose `fields` are given, and under
 * "" what it cannot show beside a field of its own: a refusal of no field (403 outside scope), a stale version (412),
 * no network, or a field the form does not have (said by name with the message).
 */
export function refusal(error, fields = []) {
  if (!error) return {};
  const found = {};
  const walk = (node, at) => {
    if (Array.isArray(node)) found[at] = node.map(ourLanguage).join(' ');
    else if (node && typeof node === 'object') Object.entries(node).forEach(([k, v]) => walk(v, at ? `${at}.${k}` : k));
  };
  walk(error.errors?.json || error.errors?.query || {}, '');
  const dup = /^duplicate_(\w+)$/.exec(error.code || '');
  if (dup && fields.includes(dup[1])) found[dup[1]] = ourLanguage(error.message);
  if (error.status === 412) found[''] = t('adminStale');
  else if (error.status === 0) found[''] = t('adminOffline');
  else {
    const shown = (k) => fields.includes(k) || k.includes('.');
    const elsewhere = Object.keys(found).filter((k) => !shown(k)).map((k) => found[k]);
    if (elsewhere.length || !Object.keys(found).length) found[''] = [ourLanguage(error.message), ...elsewhere].join(' ');
  }
  return found;
}

