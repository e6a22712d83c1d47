import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url)));
const api = process.env.SAFEGRID_API || 'http://127.0.0.1:8123';
const dist = new URL('./dist/', import.meta.url);

// Each precached file with the SHA-384 of what the build wrote: the service worker's install fetches it with
// this integrity, so a download cut short (or a proxy's page in its place) is refused, never cached.
const withIntegrity = async (entries) => ({
  manifest: entries.map((entry) => ({
    ...entry,
    integrity: `sha384-${createHash('sha384').update(readFileSync(new URL(entry.url, dist))).digest('base64')}`,
  })),
});

// src/boot.js inline in index.html, where a bad network cannot separate it from the page.
const inlineBoot = {
  name: 'safegrid-inline-boot',
  transformIndexHtml: (page) => page.replace('<!-- boot: src/boot.js, inlined by vite.config.js -->',
    `<script>${readFileSync(new URL('./src/boot.js', import.meta.url), 'utf8').replace(/^\s*\/\/.*\n/gm, '').trim()}</script>`),
};

export default defineConfig({
  base: '/',
  define: { __APP_VERSION__: JSON.stringify(version) },
  build: {
    outDir: 'dist', emptyOutDir: true, target: 'es2020',
    modulePreload: { polyfill: false }, // every browser the app runs in preloads modules itself
    rolldownOptions: {
      output: {
        // What the first screen needs is one file, the entry: left to itself the bundler puts what the screens loaded
        // later share with it into a chunk of its own, a second file the first start waits for.
        codeSplitting: { groups: [{ name: 'index', tags: ['$initial'] }] },
      },
    },
  },
  server: {
    // The API on its own port while developing; /S/<code> and /s/<code> are its tag redirects.
    proxy: { '/api': api, '^/[sS]/': api },
  },
  plugins: [
    inlineBoot,
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.js',
      registerType: 'prompt',
      injectRegister: false,
      injectManifest: {
        // The shell, the lazily loaded QR decoder (so scanning works offline too) and the icons.
        globPatterns: ['**/*.{js,css,html,png,webmanifest}'],
        rollupFormat: 'iife',
        manifestTransforms: [withIntegrity],
      },
      manifest: {
        name: '江汉安全网格',
        short_name: '安全网格',
        description: '江汉区安全网格：网格巡查、扫码打卡、隐患上报与整改闭环',
        lang: 'zh-CN',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        id: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0b57d0',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
});
