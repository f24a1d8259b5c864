// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

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
        "This file is larger than " + Math.round(limit / 1048576) + " MB. Choose a smaller photo, or take one with the camera." : "");
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
  var OUTBOX = "afterglow-outbox";
  var status = document.getElementById("outbox-status");
  var sending = false;

  function readOutbox() {
    try { return JSON.parse(localStorage.getItem(OUTBOX)) || []; } catch (e) { return []; }
  }
  function writeOutbox(items) { localStorage.setItem(OUTBOX, JSON.stringify(items)); }
  function say(text) {
    if (!status) { return; }
    status.textContent = text;
    status.hidden = !text;
  }
  function describeOutbox() {
    var count = readOutbox().length;
    if (!count) { return ""; }
    return (count === 1 ? "1 log is" : count + " logs are") + " saved on this phone and will be sent when you are back online.";
  }
  function localNow() {
    var now = new Date();
    now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
    return now.toISOString().slice(0, 16);
  }
  function newClientId() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : "";
  }

  var logForm = document.querySelector("form[data-offline-log]");
  if (logForm) {
    logForm.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      event.preventDefault();
      var photo = logForm.querySelector("input[type=file]");
      if (photo && photo.files.length) {
        // A photo is too big to keep in this phone's storage: the form stays as it is, nothing is lost.
        say("You are offline. A log with a photo can only be sent with a connection: " +
            "tap Save log again when you are back online.");
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
      items.push({ action: logForm.action, fields: fields });
      writeOutbox(items);
      logForm.reset();
      var clientId = logForm.querySelector("[name=client_id]");
      if (clientId) { clientId.value = newClientId(); }  // the next log is a different log
      say("Saved on this phone. " + describeOutbox());
      window.scrollTo(0, 0);
    });
  }

  function freshToken(url) {
    // The form's CSRF token may be from an earlier session: take the current one.
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.url.indexOf("/auth/login") !== -1) { throw new Error("not available"); }
      return response.text();
    }).then(function (html) {
      var match = html.match(/name="csrf_token" type="hidden" value="([^"]+)"/);
      if (!match) { throw new Error("no token"); }
      return match[1];
    });
  }

  function sendOne(item) {
    return freshToken(item.action).then(function (token) {
      var body = new URLSearchParams();
      item.fields.forEach(function (pair) {
        body.append(pair[0], pair[0] === "csrf_token" ? token : pair[1]);
      });
      return fetch(item.action, { method: "POST", body: body, credentials: "same-origin" });
    }).then(function (response) {
      if (response.redirected && response.ok) { return "sent"; }
      if (response.status === 422) { return "refused"; }
      throw new Error("not sent");
    });
  }

  function flush() {
    if (sending || !navigator.onLine || !readOutbox().length) { return; }
    sending = true;
    say("Sending the logs saved on this phone…");
    var sent = 0;
    var refused = 0;
    function next() {
      var items = readOutbox();
      if (!items.length) { return Promise.resolve(); }
      return sendOne(items[0]).then(function (outcome) {
        // Only now is it removed: a log the server did not acknowledge stays on the phone.
        writeOutbox(readOutbox().slice(1));
        if (outcome === "sent") { sent += 1; } else { refused += 1; }
        return next();
      });
    }
    next().then(function () {
      var text = sent ? (sent === 1 ? "Your saved log was sent." : sent + " saved logs were sent.") : "";
      if (refused) { text += " " + refused + " could not be accepted; please enter it again."; }
      say(text.trim());
    }).catch(function () {
      say(describeOutbox() + " Log in to send them if you are logged out.");
    }).then(function () { sending = false; });
  }

  say(describeOutbox());
  window.addEventListener("online", flush);
  flush();
})();
