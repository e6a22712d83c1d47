/**
 * Screens few users open, or open later (admin, checklists, rankings): loaded when first shown rather than with
 * every phone's first screen. The service worker precaches them like the rest, so they open offline too.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

/** A component drawing `name` of the module `load()` gives, once loaded; `screen`: a whole screen (a <main>). */
export function lazy(load, name, { screen = false } = {}) {
  let loaded = null;
  return function Lazy(props) {
    const [module, setModule] = useState(loaded);
    const [failed, setFailed] = useState(false);
    const [waited] = useState(!loaded);
    useEffect(() => {
      if (!module) load().then((m) => { loaded = m; setModule(m); }).catch(() => setFailed(true));
    }, []);
    // The app moves focus to a new screen's heading as it opens; one that arrives later takes it then.
    useEffect(() => { if (screen && waited && module) document.querySelector('main h1')?.focus(); }, [module]);
    if (module) {
      const Component = module[name];
      return html`<${Component} ...${props} />`;
    }
    const note = html`<p class="muted" role="status">${failed ? t('screenNotLoaded') : t('screenLoading')}</p>`;
    return screen ? html`<main id="main">${note}</main>` : note;
  };
}
