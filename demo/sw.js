// The demo page's service worker: lets the page itself load with no network.
// Offline reload of a host page is the host page's job; the widget only keeps
// its markers (IndexedDB). Network first, so a rebuild or a new demo is seen at
// once; the cache is the fallback. Only the demo's own files: the API and the
// WebSocket are never touched.
const CACHE = 'image-chat-demo-v1';
const SHELL = ['/', '/image-chat.js', '/demo/checkout.svg', '/demo/diagram.svg'];

const mine = (url) => url.origin === self.location.origin && (url.pathname === '/' || url.pathname === '/image-chat.js' || url.pathname.startsWith('/demo/'));

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || !mine(url)) return;
  // The page is one document whatever its query (?name=…): cache it under '/'.
  const key = url.pathname === '/' ? '/' : event.request;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(key, copy)));
        }
        return response;
      })
      .catch(async () => (await caches.match(key)) ?? Response.error()),
  );
});
