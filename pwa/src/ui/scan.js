/** 扫码: the camera scanner, and opening a tag (scanned, typed, or from a URL the phone's camera opened). */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { navigate } from '../router.js';
import { compactCode } from '../lib/tags.js';
import { startScanner } from '../lib/scanner.js';
import { checkIn, resolveTag } from '../store.js';

export function Scan() {
  const video = useRef(null);
  const canvas = useRef(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stop = null;
    let gone = false;
    startScanner(video.current, canvas.current, (text) => {
      const code = compactCode(text);
      if (code) navigate(`/tag/${code}`, { replace: true });
      else setError(t('codeInvalid'));
    }).then((s) => { if (gone) s(); else stop = s; })
      .catch((e) => setError(t('cameraDenied', { msg: e.message || e.name })));
    return () => { gone = true; stop?.(); };
  }, []);
  return html`<main id="main">
    <h1 tabindex="-1">${t('scanTitle')}</h1>
    <div class="camera"><video ref=${video} muted playsinline aria-label=${t('scanTitle')}></video></div>
    <canvas ref=${canvas} hidden></canvas>
    ${error && html`<p role="alert" class="error">${error}</p>`}
    <a href="#/" class="button">${t('stopCamera')}</a>
  </main>`;
}

/** #/tag/<code>: resolve the code, check in (time and GPS captured now), then the site page. */
export function TagOpen({ code }) {
  const [error, setError] = useState(null);
  const done = useRef(false);
  useEffect(() => {
    if (done.current) return;
    done.current = true;
    (async () => {
      try {
        const found = await resolveTag(code);
        await checkIn(code, found.site?.id ?? null);
        navigate(found.site ? `/site/${found.site.id}` : `/site/-/${found.code}`, { replace: true });
      } catch (e) {
        setError(t('tagRefused', { msg: e.message }));
      }
    })();
  }, [code]);
  return html`<main id="main">
    <h1 tabindex="-1">${t('scanTitle')}</h1>
    ${error ? html`<p role="alert" class="error">${error}</p><a href="#/" class="button">${t('back')}</a>`
      : html`<p role="status">${t('resolving')}</p>`}
  </main>`;
}
