import { registerSW } from 'virtual:pwa-register';

/** Installs the service worker (app shell and "my tasks" kept for offline reading); new versions apply on the next load. */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  registerSW({ immediate: true });
}
