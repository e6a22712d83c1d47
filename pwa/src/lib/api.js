/** Talking to the SafeGrid API: the bearer token, the language, the one error shape, the clock offset. */
import { meta } from './db.js';
import { observeServerDate } from './clock.js';
import { retrying } from './retry.js';

export const API = '/api/v1';

/** An API answer other than 2xx, in the API's one error shape {code, status, message, errors}. */
export class ApiError extends Error {
  constructor(status, body = {}) {
    super(body.message || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || (status === 0 ? 'network' : 'http_error'); // http_error: the body was no API error
    this.errors = body.errors || {};
  }
}

let session = null; // {token, expires_at, user}
let language = 'zh-CN';
const unauthorizedListeners = new Set();

export async function loadSession() {
  const [kept, lang] = await Promise.all([meta.get('session'), meta.get('lang')]);
  session = kept ?? null;
  language = lang ?? language;
  return session;
}
export const currentSession = () => session;
export async function saveSession(value) {
  session = value;
  await (value ? meta.set('session', value) : meta.del('session'));
}
export function setLanguage(lang) {
  language = lang;
  meta.set('lang', lang).catch(() => {});
}
export const onUnauthorized = (fn) => { unauthorizedListeners.add(fn); return () => unauthorizedListeners.delete(fn); };
export const reportUnauthorized = () => unauthorizedListeners.forEach((fn) => fn());

function headersFor(extra = {}) {
  const headers = { 'Accept-Language': language === 'en' ? 'en' : 'zh-CN', ...extra };
  if (session?.token) headers.Authorization = `Bearer ${session.token}`;
  return headers;
}

/** fetch with our headers; every answer's Date header updates the clock offset. */
export async function rawFetch(url, init = {}) {
  const sentAt = Date.now();
  const response = await fetch(url, { ...init, headers: headersFor(init.headers) });
  observeServerDate(response.headers.get('Date'), sentAt, Date.now());
  return response;
}

export async function readError(response) {
  let body = {};
  try { body = await response.json(); } catch { /* not JSON: a proxy's page, say */ }
  return new ApiError(response.status, body);
}

/** A 2xx answer of the API, or a rejection with ApiError (status 0 when the network failed). */
async function request(path, init) {
  let response;
  try {
    response = await rawFetch(path.startsWith('/') ? path : `${API}/${path}`, init);
  } catch (error) {
    throw new ApiError(0, { message: String(error?.message || error) });
  }
  if (!response.ok) {
    const error = await readError(response);
    if (response.status === 401 && session) reportUnauthorized();
    throw error;
  }
  return response;
}

/**
 * JSON call: resolves {data, response}; rejects with ApiError, status 0 when the network failed, including
 * an answer cut short (its body unreadable or not whole JSON): to the caller that is no answer at all.
 */
export async function call(path, { method = 'GET', json, headers = {}, signal } = {}) {
  const response = await request(path, {
    method,
    headers: json === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
    signal,
  });
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch (error) {
      throw new ApiError(0, { code: 'cut', message: String(error?.message || error) });
    }
  }
  return { data, response };
}

/** Worth sending again: no answer (dropped, cut, timed out) or a gateway's (502–504), never the API's own. */
export const isTransient = (error) => error.status === 0 || [502, 503, 504].includes(error.status);

/**
 * call() tried again through a bad network: each try given `timeoutMs`, at most `tries`, with back-off;
 * onRetry(attempt) before each new try. For a request that may safely reach the server twice: a read, or
 * a sign-in (a second token is harmless, and a successful sign-in gives its throttle count back).
 */
export async function callPatiently(path, options = {}, { tries = 5, timeoutMs = 20_000, onRetry, wait } = {}) {
  // With no network at all there is no point in waiting: the phone says so at once.
  const retryable = (error) => isTransient(error) && globalThis.navigator?.onLine !== false;
  return retrying(async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      return await call(path, { ...options, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  }, { tries, retryable, onRetry, wait });
}

/** A file the API serves to the signed-in only (a document's PDF), as a Blob: a plain link would carry no token. */
export const fetchBlob = async (path) => (await request(path, {})).blob();

export const get = async (path) => (await call(path)).data;

/** An outbox item as a fetch: its method, URL, headers and body (JSON or the photo's bytes). */
export function transport(item) {
  // The phone's clock as it sends: the server measures how far off it is, to put observed_at on its own
  // clock (a report may be sent hours after it was made, by a phone whose clock is wrong).
  const headers = { ...(item.headers || {}), 'Device-Time': new Date().toISOString() };
  let body;
  if (item.bytes) {
    body = item.bytes;
  } else if (item.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(item.json);
  }
  return rawFetch(item.url, { method: item.method, headers, body });
}
