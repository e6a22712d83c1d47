/**
 * 一张图: the sites and open hazards of the reader's scope on a map (Leaflet, loaded with this screen only), over
 * the configured tiles (天地图, 高德 in GCJ-02, or none: the points over a plain background). Zoomed out, the server
 * counts points per cell (clusters); zoomed in, the points themselves, each opening its site or hazard.
 * The last answer is kept (IndexedDB meta): offline, the map still plots the last data it saw, and says so.
 */
import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatTime, t } from '../i18n/index.js';
import { get } from '../lib/api.js';
import { meta } from '../lib/db.js';
import { wgs84ToGcj02 } from '../lib/gcj02.js';
import { state } from '../store.js';

const KEPT = 'map:last'; // {sites, hazards, at, view: {lat, lon, zoom}}
const TILES = 'map:tiles';
const JIANGHAN_VIEW = { lat: 30.6006, lon: 114.2708, zoom: 13 }; // 江汉区 (WGS-84)
const LAYERS = ['sites', 'hazards'];
const COLOURS = { sites: '#1f6fb2', hazards: '#c0392b', major: '#7b1010' };

const box = (bounds) => [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
  .map((v, i) => Math.max(i % 2 ? -90 : -180, Math.min(i % 2 ? 90 : 180, v)).toFixed(5)).join(',');

/** What one layer of a kept or fresh answer amounts to, for the legend: points, or the clusters' counts. */
export const countOf = (collection) => (collection?.features || [])
  .reduce((n, f) => n + (f.properties.cluster ? f.properties.count : 1), 0);

function popup(p) {
  const div = document.createElement('div');
  const link = document.createElement('a');
  if (p.layer === 'sites') {
    link.href = `#/site/${p.id}`;
    link.textContent = p.name;
    div.append(link, document.createElement('br'), `${p.type} · ${p.risk}`);
  } else {
    link.href = `#/hazard/${p.id}`;
    link.textContent = `${p.level_name} · ${p.state}`;
    div.append(link, document.createElement('br'), p.site ? `${p.site}：${p.description}` : p.description);
  }
  return div;
}

function draw(group, kind, collection, shift) {
  for (const f of collection?.features || []) {
    const [lon, lat] = shift(...f.geometry.coordinates);
    const p = f.properties;
    if (p.cluster) {
      const radius = Math.min(28, 9 + Math.log2(p.count) * 3);
      // a hazard cluster carries its count; a site cluster's (beneath it, often in the same cell) shows on hover,
      // the legend adds them up
      const marker = L.circleMarker([lat, lon], { radius, color: COLOURS[kind], weight: 2, fillOpacity: kind === 'sites' ? 0.15 : 0.45 })
        .bindTooltip(kind === 'sites' ? t('mapSites', { n: p.count }) : String(p.count), kind === 'sites'
          ? { direction: 'top' } : { permanent: true, direction: 'center', className: `map-count map-count-${kind}` });
      marker.on('click', () => marker._map?.setView([lat, lon], marker._map.getZoom() + 2));
      group.addLayer(marker);
    } else {
      const colour = kind === 'hazards' && p.level === 'major' ? COLOURS.major : COLOURS[kind];
      group.addLayer(L.circleMarker([lat, lon], { radius: kind === 'sites' ? 6 : 7, color: colour, weight: 2,
        fillColor: colour, fillOpacity: kind === 'sites' ? 0.25 : 0.8 }).bindPopup(() => popup(p)));
    }
  }
}

/** A view asked for in the route (#/map?lat=&lon=&zoom=: a deep link to a place), or null. */
export function viewOf(query) {
  const [lat, lon, zoom] = ['lat', 'lon', 'zoom'].map((k) => Number.parseFloat(query?.get(k) ?? ''));
  if (!Number.isFinite(zoom) || zoom < 0 || zoom > 20) return null;
  return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180
    ? { lat, lon, zoom } : { ...JIANGHAN_VIEW, zoom };
}

export function MapScreen({ query }) {
  const here = useRef(null);
  const [shown, setShown] = useState(null); // {sites, hazards, at, stale}
  const [tiles, setTiles] = useState(null);

  useEffect(() => {
    let alive = true;
    (async () => {
      let config = await meta.get(TILES);
      try { config = await get('map/tiles'); await meta.set(TILES, config); } catch { /* offline: the kept one */ }
      if (alive) setTiles(config || { provider: 'none', layers: [], crs: 'wgs84' });
    })();
    return () => { alive = false; };
  }, []);

  useEffect(() => {
    if (!tiles || !here.current) return undefined;
    const shift = tiles.crs === 'gcj02' ? wgs84ToGcj02 : (lon, lat) => [lon, lat];
    const map = L.map(here.current, { zoomControl: true, attributionControl: tiles.provider !== 'none' });
    for (const url of tiles.layers || []) {
      L.tileLayer(url, { subdomains: tiles.subdomains, maxZoom: tiles.max_zoom, attribution: tiles.attribution }).addTo(map);
    }
    const group = L.layerGroup().addTo(map);
    let alive = true;
    let asked = 0;
    const plot = (data) => {
      group.clearLayers();
      for (const kind of LAYERS) draw(group, kind, data[kind], shift);
      setShown(data);
    };
    async function load() {
      const ask = ++asked;
      const view = { bbox: box(map.getBounds()), zoom: map.getZoom() };
      try {
        const [sites, hazards] = await Promise.all([
          get(`map/sites?bbox=${view.bbox}&zoom=${view.zoom}`),
          get(`map/hazards?bbox=${view.bbox}&zoom=${view.zoom}&open=true`),
        ]);
        if (!alive || ask !== asked) return;
        const c = map.getCenter();
        const data = { sites, hazards, at: new Date().toISOString(), view: { lat: c.lat, lon: c.lng, zoom: view.zoom } };
        plot({ ...data, stale: false });
        await meta.set(KEPT, data);
      } catch {
        const kept = await meta.get(KEPT);
        if (alive && ask === asked) {
          if (kept) plot({ ...kept, stale: true });
          else setShown({ failed: true });
        }
      }
    }
    (async () => {
      const kept = await meta.get(KEPT);
      if (!alive) return;
      const view = viewOf(query) || kept?.view;
      if (view) map.setView([view.lat, view.lon], view.zoom);
      else {
        // the first time: the whole scope in view, from its sites counted by cell (a few features, whatever the size)
        map.setView([JIANGHAN_VIEW.lat, JIANGHAN_VIEW.lon], JIANGHAN_VIEW.zoom);
        try {
          const points = (await get('map/sites?zoom=12')).features.map((f) => shift(...f.geometry.coordinates).reverse());
          if (alive && points.length) map.fitBounds(L.latLngBounds(points), { maxZoom: 16, padding: [24, 24] });
        } catch { /* offline on a first visit: Jianghan's centre */ }
      }
      if (!alive) return;
      map.on('moveend', load);
      load();
    })();
    return () => { alive = false; map.remove(); };
  }, [tiles]);

  return html`<main id="main" class="wide map-screen"><h1 tabindex="-1">${t('mapTitle')}</h1>
    <p class="map-legend small" data-testid="map-legend">
      <span class="map-key map-key-sites"></span>${t('mapSites', { n: countOf(shown?.sites) })}
      <span class="map-key map-key-hazards"></span>${t('mapHazards', { n: countOf(shown?.hazards) })}
      ${shown?.sites?.clustered && html`<span class="muted"> · ${t('mapClustered')}</span>`}</p>
    ${shown?.stale && html`<p class="notice warn small" role="status" data-testid="map-kept">${t('mapKept', { time: formatTime(shown.at) })}</p>`}
    ${shown?.failed && html`<p class="muted" role="status">${t('mapOffline')}</p>`}
    ${tiles?.provider === 'none' && html`<p class="muted small">${t('mapNoTiles')}</p>`}
    <div ref=${here} class=${`map-canvas${tiles?.provider === 'none' ? ' plain' : ''}`} data-testid="map" role="region" aria-label=${t('mapTitle')}></div>
    ${!state.online && !shown?.stale && html`<p class="muted small">${t('mapOffline')}</p>`}
  </main>`;
}
