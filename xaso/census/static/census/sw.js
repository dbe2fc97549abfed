// xaso census app: the service worker's code (docs/decisions/0036-offline-census-app.md). Loaded by the script
// /census/app/sw.js (xaso/census/offline.py), which first sets self.XASO_CENSUS = {precache, shell, data, static}
// and loads the vendored Workbox modules (vendor/workbox-7.4.1, never a CDN).
//
// - precache: the shell's static files under their hashed names (revisioned by digest where names are not hashed),
//   fetched at install, old ones dropped at activation;
// - the app page (a navigation inside the scope): network first, the last good copy when there is no network or it
//   takes longer than a few seconds (a weak signal); warmed at install, so the first visit already works offline;
// - the form definition and the household list: the same, in their own cache (emptied when the user signs out);
// - any other static file (a font or an icon the page asked for later): cache first, at most 60 kept;
// - everything else, and every POST (the sync), goes to the network untouched.
/* global workbox */
(function () {
  "use strict";
  const setup = self.XASO_CENSUS;
  const PAGES = "xaso-census-pages";
  const DATA = "xaso-census-data";
  const STATIC = "xaso-census-static";
  const scopeUrl = new URL(setup.shell, self.location.href);
  const dataPaths = new Set(setup.data.map((path) => new URL(path, self.location.href).pathname));

  workbox.core.setCacheNameDetails({ prefix: "xaso-census" });
  self.skipWaiting();
  workbox.core.clientsClaim();

  workbox.precaching.precacheAndRoute(setup.precache, { ignoreURLParametersMatching: [/.*/] });
  workbox.precaching.cleanupOutdatedCaches();

  // only a page's own good answer is kept: not an error, not the login page a lapsed session is sent to
  const onlyGood = {
    cacheWillUpdate: async ({ response }) =>
      response && response.status === 200 && !response.redirected && response.type === "basic" ? response : null,
  };

  const pageStrategy = new workbox.strategies.NetworkFirst({
    cacheName: PAGES,
    networkTimeoutSeconds: 4,
    plugins: [onlyGood],
    // the page varies by cookie and language (Django says so); a request made by the worker carries neither
    matchOptions: { ignoreSearch: true, ignoreVary: true },
  });
  workbox.routing.registerRoute(
    ({ request, url }) => request.mode === "navigate" && url.origin === scopeUrl.origin && url.pathname === scopeUrl.pathname,
    pageStrategy
  );

  workbox.routing.registerRoute(
    ({ url, request }) => request.method === "GET" && url.origin === scopeUrl.origin && dataPaths.has(url.pathname),
    new workbox.strategies.NetworkFirst({
      cacheName: DATA,
      networkTimeoutSeconds: 4,
      plugins: [onlyGood],
      matchOptions: { ignoreVary: true },
    })
  );

  workbox.routing.registerRoute(
    ({ url, request }) => request.method === "GET" && url.origin === scopeUrl.origin && url.pathname.startsWith(setup.static),
    new workbox.strategies.CacheFirst({
      cacheName: STATIC,
      plugins: [onlyGood, new workbox.expiration.ExpirationPlugin({ maxEntries: 60, maxAgeSeconds: 90 * 86400 })],
    })
  );

  // warm the caches at install: the visit that installed the worker was not yet served by it
  async function warm(cacheName, url) {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (await onlyGood.cacheWillUpdate({ response })) await (await caches.open(cacheName)).put(url, response);
    } catch (error) {
      // offline at install: the next online visit fills the cache
    }
  }
  self.addEventListener("install", (event) => {
    const data = setup.data.map((path) => warm(DATA, new URL(path, self.location.href).href));
    event.waitUntil(Promise.all([warm(PAGES, scopeUrl.href), ...data]));
  });

  // the page asks for the cached personal data to go when its user signs out
  self.addEventListener("message", (event) => {
    if (event.data && event.data.type === "forget-data") {
      event.waitUntil(Promise.all([caches.delete(DATA), caches.delete(PAGES)]));
    }
  });
})();
