/** Hash routes (#/site/<id>): they work whatever path the server hands the app at, online or not. */
import { useEffect, useState } from 'preact/hooks';

export function parseRoute(hash = location.hash) {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  return { name: parts[0] || 'home', params: parts.slice(1).map(decodeURIComponent), query: new URLSearchParams(query) };
}

export const navigate = (path, { replace = false } = {}) => {
  if (replace) history.replaceState(null, '', `#${path}`);
  else location.hash = path;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
};

export function useRoute() {
  const [route, setRoute] = useState(parseRoute());
  useEffect(() => {
    const onChange = () => setRoute(parseRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
