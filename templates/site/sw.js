// Afterglow's service worker: the app shell offline, and pages you have opened when the network is gone.
// Rendered by the app (app/site/routes.py) so the shell URLs carry their fingerprints.
"use strict";
const SHELL_CACHE = "afterglow-shell-{{ version }}";
const PAGES_CACHE = "afterglow-pages";
const SHELL = {{ shell_urls | tojson }};
const OFFLINE_PAGE = "{{ url_for('site.offline') }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL.concat([OFFLINE_PAGE]))));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("afterglow-shell-") && key !== SHELL_CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

// Logging out clears the copies of pages kept on this phone; the page waits for the answer.
self.addEventListener("message", (event) => {
  if (event.data === "forget-pages") {
    event.waitUntil(caches.delete(PAGES_CACHE).then(() => {
      if (event.ports[0]) { event.ports[0].postMessage("forgotten"); }
    }));
  }
});

// Only the pages the server marks for it (a patient's own pages) are kept for offline use.
const KEEP_HEADER = "{{ keep_header }}";
const LOGIN_PATH = "{{ url_for('auth.login') }}";

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.startsWith("/static/")) {
    // Fingerprinted files never change: the cache first, then the network.
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate") {
    // Pages: the network first, so they are always current; a copy for when it is gone.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (new URL(response.url).pathname === LOGIN_PATH) {
            // Logged out, or the login ended elsewhere: nothing of the account stays on the phone.
            event.waitUntil(caches.delete(PAGES_CACHE));
          } else if (response.ok && response.headers.get(KEEP_HEADER) === "keep") {
            const copy = response.clone();
            event.waitUntil(caches.open(PAGES_CACHE).then((cache) => cache.put(request, copy)));
          }
          return response;
        })
        .catch(() => caches.match(request).then((hit) => hit || caches.match(OFFLINE_PAGE)))
    );
  }
});

// Web Push (app/services/push.py sends {title, body, url}): show it; a tap opens that page of this site.
const ICON = "{{ url_for('static', filename='icons/icon-192.png') }}";

function sameOriginUrl(url) {
  try {
    const target = new URL(url || "/", self.location.origin);
    return target.origin === self.location.origin ? target.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", (event) => {
  let message = {};
  try { message = event.data ? event.data.json() : {}; } catch (error) { message = {}; }
  event.waitUntil(self.registration.showNotification(message.title || "Afterglow", {
    body: message.body || "",
    icon: ICON,
    badge: ICON,
    data: { url: sameOriginUrl(message.url) },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === url && "focus" in client);
      if (open) { return open.focus(); }
      return self.clients.openWindow(url);
    })
  );
});
