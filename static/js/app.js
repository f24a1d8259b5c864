// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // The page's words for the scripts, in its language (templates/_js_strings.html, in every page);
  // t("key", {num: 2}) fills the %(num)s placeholders.
  var STRINGS = {};
  try { STRINGS = JSON.parse(document.getElementById("js-strings").textContent) || {}; } catch (e) { STRINGS = {}; }
  function t(key, values) {
    var text = STRINGS[key] || "";
    Object.keys(values || {}).forEach(function (name) { text = text.split("%(" + name + ")s").join(String(values[name])); });
    return text;
  }
  // photos.js and push.js read their words through it too (app.js runs first: every page loads it, deferred, ahead of them).
  window.afterglowText = t;

  // Tell the server the phone's time zone so "21:30" means 21:30 where the patient is.
  // Read as the form is sent, not as the page loads: the first Intl call takes
  // tens of milliseconds on a slow phone, and most pages have no such field.
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll("input[type=hidden][name=timezone]");
    if (!inputs.length) { return; }
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = ""; }
    if (!zone) { return; }
    inputs.forEach(function (input) { input.value = zone; });
  }, true);  // capture: before the form's own handlers read its fields

  // After a failed submit, move focus to the error summary so screen readers announce it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // A photo over the size limit is refused here, before minutes of upload on mobile data.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files[0];
      var limit = Number(input.getAttribute("data-max-bytes"));
      input.setCustomValidity(file && file.size > limit ?
        t("fileTooLarge", { mb: Math.round(limit / 1048576) }) : "");
      input.reportValidity();
    });
  });

  // Installable app: the service worker keeps the app shell and the pages you opened.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").then(function (registration) {
      if (document.body.hasAttribute("data-forget-pages") && registration.active) {
        registration.active.postMessage("forget-pages");
      }
    }).catch(function () { /* the app works without it */ });
  }

  // Logs saved while offline wait in this phone's storage until the connection is back.
  // Each patient has their own outbox (named on the page), so nothing is ever sent as someone else.
  var OUTBOX = document.body.getAttribute("data-outbox");
  var LEGACY_OUTBOX = "afterglow-outbox";
  var status = document.getElementById("outbox-status");
  var sending = null;

  function readOutbox() {
    if (!OUTBOX) { return []; }
    try { return JSON.parse(localStorage.getItem(OUTBOX)) || []; } catch (e) { return []; }
  }
  function writeOutbox(items) {
    if (items.length) { localStorage.setItem(OUTBOX, JSON.stringify(items)); } else { localStorage.removeItem(OUTBOX); }
  }
  function say(text) {
    if (!status) { return; }
    status.textContent = text;
    status.hidden = !text;
  }
  function describeOutbox() {
    var count = readOutbox().length;
    if (!count) { return ""; }
    return count === 1 ? t("outboxOne") : t("outboxMany", { num: count });
  }
  function localNow() {
    var now = new Date();
    now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
    return now.toISOString().slice(0, 16);
  }
  // A random (version 4) UUID; getRandomValues also works where randomUUID does not (plain HTTP).
  function newClientId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }
  function withClientId(fields, clientId) {
    return fields.map(function (pair) { return pair[0] === "client_id" ? [pair[0], clientId] : pair; });
  }

  if (OUTBOX && localStorage.getItem(LEGACY_OUTBOX)) {
    // Logs kept by an earlier version of the app, in the one outbox the phone had then.
    try { writeOutbox(readOutbox().concat(JSON.parse(localStorage.getItem(LEGACY_OUTBOX)) || [])); } catch (e) { /* unreadable */ }
    localStorage.removeItem(LEGACY_OUTBOX);
  }

  var logForm = document.querySelector("form[data-offline-log]");
  if (logForm) {
    var clientIdInput = logForm.querySelector("[name=client_id]");
    // This page may be a copy kept for offline use, whose id was already sent with another log:
    // each opening of the form is a new log with its own id (a double tap still sends the same one).
    var renewClientId = function () { if (clientIdInput) { clientIdInput.value = newClientId(); } };
    renewClientId();
    window.addEventListener("pageshow", function (event) { if (event.persisted) { renewClientId(); } });

    logForm.addEventListener("submit", function (event) {
      if (navigator.onLine || !OUTBOX) { return; }
      event.preventDefault();
      var photo = logForm.querySelector("input[type=file]");
      if (photo && photo.files.length) {
        // A photo is too big to keep in this phone's storage: the form stays as it is, nothing is lost.
        say(t("offlinePhoto"));
        window.scrollTo(0, 0);
        return;
      }
      var when = logForm.querySelector("[name=logged_at]");
      if (when && when.value === when.defaultValue) { when.value = localNow(); }  // saved now, not when loaded
      var fields = [];
      new FormData(logForm).forEach(function (value, name) {
        if (typeof value === "string") { fields.push([name, value]); }  // not the (empty) photo input
      });
      var items = readOutbox();
      items.push({ action: logForm.action, fields: withClientId(fields, newClientId()) });  // its own id, made now
      writeOutbox(items);
      logForm.reset();
      renewClientId();
      say(t("savedOnPhone") + " " + describeOutbox());
      window.scrollTo(0, 0);
    });
  }

  function freshToken(url) {
    // The form's CSRF token may be from an earlier session: take the current one.
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (response.status === 404) { return null; }  // the session was deleted meanwhile
      if (!response.ok || response.url.indexOf("/auth/login") !== -1) { throw new Error("not available"); }
      return response.text().then(function (html) {
        var match = html.match(/name="csrf_token" type="hidden" value="([^"]+)"/);
        if (!match) { throw new Error("no token"); }
        return match[1];
      });
    });
  }

  function sendOne(item) {
    return freshToken(item.action).then(function (token) {
      if (token === null) { return "refused"; }
      var body = new URLSearchParams();
      item.fields.forEach(function (pair) {
        body.append(pair[0], pair[0] === "csrf_token" ? token : pair[1]);
      });
      return fetch(item.action, { method: "POST", body: body, credentials: "same-origin" }).then(function (response) {
        if (response.redirected && response.ok) { return "sent"; }
        // The id is taken by a different log, so this one is not stored: it needs an id of its own.
        if (response.status === 409) { return "conflict"; }
        if (response.status === 422 || response.status === 404) { return "refused"; }
        throw new Error("not sent");
      });
    });
  }

  // Sends the outbox, oldest first; resolves once it is empty or sending stopped (offline, logged out).
  function flush() {
    if (sending) { return sending; }
    if (!navigator.onLine || !readOutbox().length) { return Promise.resolve(); }
    say(t("sending"));
    var sent = 0;
    var refused = 0;
    function next(renewed) {
      var items = readOutbox();
      if (!items.length) { return Promise.resolve(); }
      return sendOne(items[0]).then(function (outcome) {
        if (outcome === "conflict" && !renewed) {
          items[0].fields = withClientId(items[0].fields, newClientId());
          writeOutbox(items);
          return next(true);
        }
        // Only now is it removed: a log the server did not acknowledge stays on the phone.
        writeOutbox(readOutbox().slice(1));
        if (outcome === "sent") { sent += 1; } else { refused += 1; }
        return next(false);
      });
    }
    sending = next(false).then(function () {
      var text = sent ? (sent === 1 ? t("sentOne") : t("sentMany", { num: sent })) : "";
      if (refused) { text += " " + (refused === 1 ? t("refusedOne") : t("refusedMany", { num: refused })); }
      say(text.trim());
    }).catch(function () {
      say(describeOutbox() + " " + t("logInToSend"));
    }).then(function () { sending = null; });
    return sending;
  }

  // The service worker forgets the pages it kept; resolves when it has (or could not answer).
  function forgetPages() {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (!worker) { return Promise.resolve(); }
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function () { resolve(); };
      worker.postMessage("forget-pages", [channel.port2]);
      setTimeout(resolve, 2000);
    });
  }

  // This phone stops receiving the account's notifications: the log-out form tells the server which
  // subscription to forget, and the browser drops it. A browser without push, or one that never
  // answers, delays the log-out by PUSH_WAIT_MS at most; nothing here can stop it.
  var PUSH_WAIT_MS = 2500;
  function forgetPush(form) {
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) { return Promise.resolve(); }
    return new Promise(function (resolve) {
      var done = false;
      function finish() { done = true; resolve(); }
      setTimeout(finish, PUSH_WAIT_MS);
      navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.getSubscription();
      }).then(function (subscription) {
        if (done || !subscription || !subscription.endpoint) { return; }
        var field = form.querySelector("input[name=push_endpoint]");
        if (!field) {
          field = document.createElement("input");
          field.type = "hidden";
          field.name = "push_endpoint";
          form.appendChild(field);
        }
        field.value = subscription.endpoint;
        return subscription.unsubscribe();
      }).catch(function () { /* the server still forgets the endpoint it was given */ }).then(finish);
    });
  }

  // Logging out leaves nothing of this patient's on the phone: unsent logs are sent first,
  // or deleted only once the patient has agreed; kept pages and this phone's
  // notifications are forgotten.
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      flush().then(function () {
        var left = readOutbox().length;
        if (left && !window.confirm(left === 1 ? t("logoutUnsentOne") : t("logoutUnsentMany", { num: left }))) { return; }
        if (OUTBOX) { localStorage.removeItem(OUTBOX); }
        return Promise.all([forgetPages(), forgetPush(form)]).then(function () { form.submit(); });
      });
    });
  });

  say(describeOutbox());
  window.addEventListener("online", flush);
  flush();
})();
