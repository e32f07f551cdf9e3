import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Paths the server answers itself: never the app shell, online or offline. */
const SERVER_PATHS = [/^\/api\//, /^\/health/, /^\/metrics/, /^\/docs/, /^\/admin\/queues/];

export default defineConfig({
  root: here,
  base: '/',
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Điều phối lan tỏa',
        short_name: 'Lan tỏa',
        description: 'Nhận nhiệm vụ chia sẻ, sao chép nội dung và báo cáo kết quả',
        lang: 'vi',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#b71c1c',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // A post's link shared from Facebook or Zalo lands on "my tasks" with the link ready to paste.
        share_target: { action: '/tasks', method: 'GET', params: { title: 'sharedTitle', text: 'sharedText', url: 'sharedUrl' } },
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: SERVER_PATHS,
        cleanupOutdatedCaches: true,
        // The first visit is already controlled, so "my tasks" is kept for offline reading from then on.
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [
          {
            // "My tasks" and "who am I" stay readable offline: the network first, the last answer otherwise.
            urlPattern: ({ url, request }) => request.method === 'GET' && /^\/api\/v1\/me(\/tasks)?$/.test(url.pathname),
            handler: 'NetworkFirst',
            options: { cacheName: 'oc-api', networkTimeoutSeconds: 6, expiration: { maxEntries: 20 } },
          },
        ],
      },
    }),
  ],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 700,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
