/* Peiban on a volunteer's phone: reading offline, and an outbox so that nothing typed without signal is lost.

   - Registers the service worker (static/sw.js), which keeps the volunteer's own pages for reading offline;
     a page shown from there gets the banner "offline, as it was at 14:05".
   - Forms marked data-outbox (confirm, decline, diary) are kept in IndexedDB (the vendored idb) with an id made
     here, then sent with the header Peiban-Outbox; the server answers in JSON and takes the id as an
     idempotency key (scheduler_app/outbox.py). Waiting items are sent on every page load and on the "online"
     event; the list on the page says what waits, what was sent when, and what was not taken and why, with
     the text as it was written.
   - A page for someone logged out (data-wipe on <body>) wipes every cache, and the outbox too unless the
     session only ran out of time (then the items wait for the same volunteer's next login). */
(function () {
  "use strict";
  var body = document.body;
  // A page fetched only to be kept: the server leaves its messages for the page she sees next.
  var BACKGROUND = {credentials: "same-origin", headers: {"Peiban-Prefetch": "1"}};
  var DB = "peiban", STORE = "outbox", KEPT_NOTE = "peiban-kept", SENT_KEPT_MS = 24 * 3600 * 1000, FRESH_MS = 30 * 60 * 1000;

  function wipeCaches() {
    if (!window.caches) { return Promise.resolve(); }
    return caches.keys().then(function (keys) { return Promise.all(keys.map(function (k) { return caches.delete(k); })); });
  }

  function wipeDatabase() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(); return; }
      var request = indexedDB.deleteDatabase(DB);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    });
  }

  function stopWorker() {
    /* Tell the worker still looking after this page to keep nothing more, and wait until it has deleted its
       caches (else a request of this page in flight could fill one again). */
    var worker = "serviceWorker" in navigator && navigator.serviceWorker.controller;
    if (!worker) { return Promise.resolve(); }
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function () { resolve(); };
      worker.postMessage("wipe", [channel.port2]);
      setTimeout(resolve, 3000);  // an old worker that does not answer
    });
  }

  function unregister() {
    /* No worker stays behind to fill the caches again from the pages of someone logged out. */
    if (!("serviceWorker" in navigator)) { return Promise.resolve(); }
    return stopWorker().then(function () { return navigator.serviceWorker.getRegistrations(); })
      .then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      });
  }

  var TYPED = "peiban-typed";  // sessionStorage: a form sent as the session ended, to fill in again after the login
  var typed = null;
  try { typed = JSON.parse(sessionStorage.getItem(TYPED) || "null"); } catch (e) { typed = null; }

  if (body.hasAttribute("data-wipe")) {
    var all = body.getAttribute("data-wipe") === "all";
    if (typed && typed.state === "sent" && !all) {  // the form's answer was this login page: keep it for after
      typed.state = "interrupted";
      sessionStorage.setItem(TYPED, JSON.stringify(typed));
    } else if (all) {
      sessionStorage.removeItem(TYPED);
    }
    unregister().then(function () {
      return Promise.all([wipeCaches(), all ? wipeDatabase() : Promise.resolve()]);
    }).catch(function () { return null; }).then(function () {
      body.setAttribute("data-wiped", all ? "all" : "pages");
    });
    return;
  }
  var user = body.getAttribute("data-user");
  if (!user) { return; }

  restoreTyped();
  document.querySelectorAll("form[method=post]:not([data-outbox]):not([data-logout])").forEach(function (form) {
    form.addEventListener("submit", function () {
      var fields = [];
      new FormData(form).forEach(function (value, name) {
        var input = form.elements[name];
        if (name !== "csrf_token" && typeof value === "string" && !(input && input.type === "password")) {
          fields.push([name, value]);  // never a password: this copy sits in the tab's storage
        }
      });
      sessionStorage.setItem(TYPED, JSON.stringify({page: location.pathname, action: form.action, fields: fields,
                                                    user: user, state: "sent"}));
    });
  });

  function restoreTyped() {
    /* A form sent as the session ended comes back filled in on its page after the login; any other page
       that loads after a form was sent means it reached the server, and the copy is dropped. */
    if (!typed) { return; }
    if (typed.state !== "interrupted" || typed.user !== user) { sessionStorage.removeItem(TYPED); return; }
    if (typed.page !== location.pathname) { return; }  // kept until she opens that page again
    sessionStorage.removeItem(TYPED);
    var form = Array.prototype.find.call(document.querySelectorAll("form[method=post]"),
                                         function (f) { return f.action === typed.action; });
    if (!form) { return; }
    var byName = {};
    typed.fields.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Object.keys(byName).forEach(function (name) {
      var inputs = form.querySelectorAll('[name="' + (window.CSS && CSS.escape ? CSS.escape(name) : name) + '"]');
      Array.prototype.forEach.call(inputs, function (input, i) {
        if (input.type === "checkbox" || input.type === "radio") { input.checked = byName[name].indexOf(input.value) >= 0; }
        else if (input.type !== "hidden" && input.type !== "submit") { input.value = byName[name][i] !== undefined ? byName[name][i] : input.value; }
      });
    });
    var note = document.createElement("p");
    note.className = "flash flash-info";
    note.setAttribute("role", "status");
    note.setAttribute("data-restored", "");
    note.textContent = body.getAttribute("data-restored-text") || "";
    form.insertBefore(note, form.firstChild);
  }

  if ("serviceWorker" in navigator) {
    if (!navigator.serviceWorker.controller) {
      // The worker's first install: once it looks after this page, fetch the page again so that it is kept.
      navigator.serviceWorker.addEventListener("controllerchange", function () {
        fetch(location.href, BACKGROUND).catch(function () { return null; }).then(keepLinks);
      });
    }
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () { return null; });
  }

  var banner = document.getElementById("offline-banner");
  var asOf = body.getAttribute("data-offline-as-of");
  if (banner && asOf !== null) {
    banner.textContent = banner.getAttribute("data-text").replace("{time}", clock(asOf ? new Date(asOf) : new Date()));
    banner.classList.add("flash");  // only now: until then it is no message of the page's
    banner.hidden = false;
  }

  var panel = document.getElementById("outbox");
  var text = function (name) { return panel ? panel.getAttribute("data-" + name) : ""; };
  var opened = window.idb ? idb.openDB(DB, 1, {
    upgrade: function (db) { db.createObjectStore(STORE, {keyPath: "id"}); }
  }) : Promise.reject(new Error("no IndexedDB"));

  function clock(date) {
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function newId() {
    /* Random, made on the phone (crypto.randomUUID needs HTTPS; getRandomValues does not). */
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function items() { return opened.then(function (db) { return db.getAll(STORE); }); }
  function store(item) { return opened.then(function (db) { return db.put(STORE, item); }); }
  function drop(id) { return opened.then(function (db) { return db.delete(STORE, id); }); }

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function send(item) {
    /* Send one item; resolve to the server's answer, or null when there is no signal (it keeps waiting). */
    var data = new FormData();
    item.fields.forEach(function (pair) { if (pair[0] !== "csrf_token" && pair[0] !== "outbox_id") { data.append(pair[0], pair[1]); } });
    data.append("csrf_token", csrf());
    data.append("outbox_id", item.id);
    return fetch(item.url, {method: "POST", body: data, credentials: "same-origin", redirect: "manual",
                            headers: {"Peiban-Outbox": item.immediate ? "now" : "1", "Accept": "application/json"}})
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("json") >= 0) { return response.json(); }
        if (response.type === "opaqueredirect" || response.status >= 400) {
          // The server refused it without our answer (an expired form, an error): not taken, her text shown,
          // and the items after it still go.
          return {outcome: "refused", message: text("failed"), errors: []};
        }
        return null;  // a page from something between (a hotspot's sign-in page): no real signal yet
      })
      .catch(function () { return null; })
      .then(function (answer) {
        if (!answer || answer.outcome === "login") { return answer; }
        item.state = answer.outcome === "done" ? "sent" : answer.outcome;
        item.message = [answer.message].concat(answer.errors || []).filter(Boolean).join(" ");
        item.sent = Date.now();
        var kept = answer.outcome === "refused" && item.immediate ? drop(item.id) : store(item);
        return kept.then(function () {
          if (answer.outcome === "done") { refresh(item.page); }
          return answer;
        });
      });
  }

  function refresh(url) {
    /* The page the item was written on changed on the server: fetch it again, so the kept copy is current. */
    if (url && navigator.onLine) { fetch(url, BACKGROUND).catch(function () { return null; }); }
  }

  var flushing = null;
  function flush() {
    /* Send every waiting item of this volunteer, one at a time, oldest first; stop at the first without signal. */
    if (flushing) { return flushing; }
    if (!navigator.onLine) { return render(); }
    flushing = items().then(function (all) {
      var waiting = all.filter(function (i) { return i.user === user && i.state === "waiting"; })
        .sort(function (a, b) { return a.created - b.created; });
      return waiting.reduce(function (chain, item) {
        return chain.then(function (go) { return go ? send(item).then(function (a) { return !!a && a.outcome !== "login"; }) : false; });
      }, Promise.resolve(true));
    }).catch(function () { return null; }).then(function () { flushing = null; return render(); });
    return flushing;
  }

  function writtenText(item) {
    return item.fields.filter(function (pair) {
      return ["csrf_token", "outbox_id", "seen", "version", "save", "send", "submit"].indexOf(pair[0]) < 0 && pair[1];
    }).map(function (pair) { return pair[1]; }).join("\n");
  }

  function render() {
    if (!panel) { return Promise.resolve(); }
    return items().then(function (all) {
      var now = Date.now(), list = panel.querySelector("[data-outbox-list]");
      var shown = [];
      all.forEach(function (item) {
        if (item.user !== user) { drop(item.id); return; }  // another account's items never leave this phone
        if (item.state === "sent" && now - item.sent > SENT_KEPT_MS) { drop(item.id); return; }
        shown.push(item);
      });
      shown.sort(function (a, b) { return b.created - a.created; });
      list.textContent = "";
      if (sessionStorage.getItem(KEPT_NOTE)) {  // just kept without signal: say so once, above the list
        sessionStorage.removeItem(KEPT_NOTE);
        var note = document.createElement("p");
        note.className = "flash flash-info";
        note.setAttribute("role", "status");
        note.textContent = text("kept");
        panel.insertBefore(note, list);
      }
      shown.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("data-state", item.state);
        var label = document.createElement("strong");
        label.textContent = item.label;
        li.appendChild(label);
        li.appendChild(document.createElement("br"));
        var state = document.createElement("span");
        if (item.state === "waiting") {
          state.textContent = text("waiting").replace("{time}", clock(new Date(item.created)));
        } else if (item.state === "sent") {
          state.textContent = text("sent").replace("{time}", clock(new Date(item.sent)));
        } else {
          state.className = "error";
          state.textContent = text("conflict").replace("{message}", item.message || "");
        }
        li.appendChild(state);
        if (item.state === "conflict" || item.state === "refused") {
          var box = document.createElement("textarea");
          box.readOnly = true;
          box.rows = 4;
          box.setAttribute("aria-label", text("your-text"));
          box.value = writtenText(item);
          var hint = document.createElement("small");
          hint.className = "muted";
          hint.textContent = text("your-text");
          var dismiss = document.createElement("button");
          dismiss.type = "button";
          dismiss.className = "button small secondary";
          dismiss.textContent = text("dismiss");
          dismiss.addEventListener("click", function () { drop(item.id).then(render); });
          [document.createElement("br"), hint, box, dismiss].forEach(function (n) { li.appendChild(n); });
        }
        list.appendChild(li);
      });
      panel.hidden = shown.length === 0;
      body.setAttribute("data-outbox-ready", String(shown.length));
    }).catch(function () { return null; });
  }

  function showProblem(form, message) {
    var note = form.querySelector(".outbox-problem") || document.createElement("p");
    note.className = "flash flash-error outbox-problem";
    note.setAttribute("role", "alert");
    note.textContent = message;
    form.insertBefore(note, form.firstChild);
  }

  document.querySelectorAll("form[data-outbox]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var submitter = event.submitter || form.querySelector('[type="submit"]');
      var fields = [];
      new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
      if (submitter && submitter.name) { fields.push([submitter.name, submitter.value || "y"]); }
      var item = {id: newId(), user: user, kind: form.getAttribute("data-outbox"), label: form.getAttribute("data-label"),
                  url: form.action, page: location.pathname, fields: fields, created: Date.now(), state: "waiting",
                  immediate: true};
      Array.prototype.forEach.call(form.querySelectorAll("button, [type=submit]"), function (b) { b.disabled = true; });
      store(item).then(function () {
        return navigator.onLine ? send(item) : null;
      }).then(function (answer) {
        item.immediate = false;
        var home = body.getAttribute("data-home");
        if (!answer) {  // no signal: it waits here; the kept week shows it in the list
          return store(item).then(function () { sessionStorage.setItem(KEPT_NOTE, "1"); location.href = home; });
        }
        if (answer.outcome === "login") {
          return store(item).then(function () {
            location.href = body.getAttribute("data-login") + "?next=" + encodeURIComponent(location.pathname);
          });
        }
        if (answer.outcome === "done") { location.href = answer.next || home; return null; }
        Array.prototype.forEach.call(form.querySelectorAll("button, [type=submit]"), function (b) { b.disabled = false; });
        showProblem(form, item.message);
        return render();
      }).catch(function () {
        form.submit();  // no IndexedDB here (a private window, an old browser): the plain post still works
      });
    });
  });

  var logout = document.querySelector("form[data-logout]");
  if (logout) {
    logout.addEventListener("submit", function (event) {
      items().then(function (all) {
        var waiting = all.filter(function (i) { return i.user === user && i.state === "waiting"; }).length;
        if (!waiting || confirm(text("logout-warning").replace("{count}", waiting))) {
          logout.submit();
        }
      }).catch(function () { logout.submit(); });
      event.preventDefault();
    });
  }

  function keepLinks() {
    /* With signal, fetch the pages this page links to for offline reading (the worker keeps them), unless
       a recent copy is kept already. */
    if (!navigator.onLine || !window.caches || asOf !== null) { return; }
    caches.open("peiban-pages").then(function (cache) {
      document.querySelectorAll("a[data-keep]").forEach(function (link) {
        cache.match(link.href, {ignoreVary: true}).then(function (kept) {
          var at = kept && Date.parse(kept.headers.get("Peiban-Kept-At") || "");
          if (!at || Date.now() - at > FRESH_MS) { fetch(link.href, BACKGROUND).catch(function () { return null; }); }
        });
      });
    });
  }

  window.addEventListener("online", flush);
  flush().then(keepLinks);
  window.peibanOutbox = {flush: flush, items: items, store: store};  // for the browser tests and the curious
})();
