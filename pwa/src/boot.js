// The first start's safety net, before the service worker holds the shell: a stylesheet or the app's
// module whose download failed (a dropped or cut answer) is loaded again with back-off. A stylesheet under
// a new URL, so that the browser does not reuse the failure; the module under its own, once fetched whole
// into the HTTP cache, because the screens loaded later (src/ui/lazy.js) import the app by that name, and
// under another (?retry=n) they would get a second app of their own, not the one on screen. Inline in
// index.html (vite.config.js puts it there, before the tags Vite adds), as only what arrives with the page
// cannot itself be lost on the way; the server's Content-Security-Policy allows it by its hash (server/web).
//
// The page's own stylesheet holds back the first paint; once it failed, the one loaded again does not, and
// the app's module may well arrive first: the page stays hidden from the failure until a stylesheet applies
// (or the tries run out: an unstyled app beats none). A stylesheet counts as applied by its last rule, the
// sentinel at the end of styles.css: a sheet that "loaded" short of it (cut where nothing could tell, the
// answer's length not given) is loaded again as a failed one is.
(() => {
  const TRIES = 6;
  const tries = {};
  const root = document.documentElement;
  const whole = () => getComputedStyle(root).getPropertyValue('--styles-whole').trim() !== '';

  function again(failed) {
    const isStyle = failed.tagName === 'LINK' && failed.rel === 'stylesheet';
    const isApp = failed.tagName === 'SCRIPT' && failed.type === 'module';
    if (!isStyle && !isApp) return;
    const url = (failed.href || failed.src).split('?')[0];
    const n = (tries[url] || 0) + 1;
    tries[url] = n;
    if (isStyle) root.hidden = n < TRIES;
    if (n >= TRIES) {
      const app = document.getElementById('app');
      if (isApp && app) app.textContent = '网络不稳定，应用未能载入，请稍后刷新页面。';
      return;
    }
    const load = () => {
      // A new element: a script element that has run (or failed) never runs again, even cloned.
      const next = document.createElement(failed.tagName);
      if (failed.crossOrigin !== null) next.crossOrigin = failed.crossOrigin;
      if (isStyle) {
        next.rel = 'stylesheet';
        next.href = `${url}?retry=${n}`;
      } else {
        next.type = 'module';
        next.src = url;
      }
      failed.after(next);
      if (isStyle) failed.remove(); // its empty sheet would otherwise stay in document.styleSheets
    };
    setTimeout(() => {
      if (isStyle) { load(); return; }
      // 'reload': past any copy the HTTP cache kept of the failed answer; the module is then read from the cache.
      fetch(url, { cache: 'reload', credentials: 'same-origin' })
        .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(new Error(response.status))))
        .then(load, () => again(failed));
    }, Math.min(500 * 2 ** (n - 1), 8000));
  }

  // Load failures do not bubble: only a listener capturing on the window sees them all.
  window.addEventListener('error', (event) => {
    if (event.target instanceof Element) again(event.target);
  }, true);
  // Nor do loads, which stop at the document.
  document.addEventListener('load', (event) => {
    const sheet = event.target;
    if (!(sheet instanceof HTMLLinkElement) || sheet.rel !== 'stylesheet') return;
    if (whole()) root.hidden = false;
    else again(sheet);
  }, true);
})();
