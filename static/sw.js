/* Peiban's service worker (hand-written: see the README's "On a volunteer's phone").
   Pages: network first; a page the server marks "Peiban-Offline: keep" (only a volunteer's own pages) is kept,
   stamped with the time, and shown from here when the network fails, with data-offline-as-of on its <body>
   for the banner. No other page is ever kept. Static files: served from here, refreshed in the background.
   Logging out or a session ending wipes every cache from the next page (static/phone.js). */
"use strict";

var STATIC = "peiban-static-3";
var PAGES = "peiban-pages";
var KEPT_AT = "Peiban-Kept-At";
var wiped = false;  // set by the page of someone logged out: from then on this worker keeps nothing
var ASSETS = ["/manifest.webmanifest", "/static/peiban.css", "/static/phone.js", "/static/vendor/idb-8.0.4/umd.js", "/static/favicon.svg",
              "/static/icons/icon-192.png"];

self.addEventListener("install", function (event) {
  event.waitUntil(Promise.all([
    caches.open(STATIC).then(function (cache) { return cache.addAll(ASSETS); }),
    keep(new Request("/offline", {credentials: "same-origin"})).catch(function () { return null; })
  ]).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("peiban-static-") === 0 && k !== STATIC; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  /* "wipe" from a logged-out page: keep nothing more, delete every cache, then say so on the given port. */
  if (event.data !== "wipe") { return; }
  wiped = true;
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.map(function (k) { return caches.delete(k); }));
  }).then(function () { if (event.ports[0]) { event.ports[0].postMessage("wiped"); } }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (wiped) { return; }
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest") {
    event.respondWith(fromCacheThenRefresh(request));
  } else {
    event.respondWith(networkFirst(request));
  }
});

function keep(request) {
  /* Fetch a page; keep it when the server marks it as one the phone may keep. */
  return fetch(request).then(function (response) {
    if (response.ok && response.headers.get("Peiban-Offline") === "keep" && !wiped) {
      var copy = response.clone();
      copy.blob().then(function (body) {
        var headers = new Headers(copy.headers);
        headers.set(KEPT_AT, new Date().toISOString());
        return caches.open(PAGES).then(function (cache) {
          if (wiped) { return null; }  // logged out while the page was on its way
          return cache.put(request.url, new Response(body, {status: 200, headers: headers}));
        });
      });
    }
    return response;
  });
}

function networkFirst(request) {
  return keep(request).catch(function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(request.url, {ignoreVary: true}).then(function (kept) {
        if (kept) { return offlineCopy(kept); }
        if (request.mode !== "navigate") { return Response.error(); }
        return cache.match("/offline", {ignoreVary: true}).then(function (page) {
          return page ? offlineCopy(page) : Response.error();
        });
      });
    });
  });
}

function offlineCopy(kept) {
  /* The kept page with the time it was kept on its <body>, for the page's offline banner. */
  var at = kept.headers.get(KEPT_AT) || "";
  return kept.text().then(function (html) {
    return new Response(html.replace("<body", '<body data-offline-as-of="' + at + '"'),
                        {status: 200, headers: {"Content-Type": "text/html; charset=utf-8"}});
  });
}

function fromCacheThenRefresh(request) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request, {ignoreVary: true}).then(function (cached) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok && !wiped) {
          var copy = response.clone();
          return cache.put(request, copy).then(function () { return response; });
        }
        return response;
      });
      if (cached) { fresh.catch(function () { return null; }); return cached; }
      return fresh;
    });
  });
}
