// "Reminders on this phone" (templates/push/_this_device.html): turn Web Push on or off for this device.
// Every state says what is true in words; a browser without push, or a refusal, never leaves the page waiting.
(function () {
  "use strict";
  var t = window.afterglowText;  // static/js/app.js: the words of templates/_js_strings.html
  var box = document.querySelector("[data-push-device]");
  if (!box) { return; }
  var state = box.querySelector("[data-push-state]");
  var actions = box.querySelector("[data-push-actions]");
  var toggle = box.querySelector("[data-push-toggle]");
  var publicKey = box.getAttribute("data-public-key");
  var fallback = box.getAttribute("data-fallback");
  var endpoints;
  try { endpoints = JSON.parse(box.getAttribute("data-endpoints")) || []; } catch (e) { endpoints = []; }
  var WAIT_MS = 10000;  // a browser with no push service may never answer: say so instead of waiting
  var on = false;

  function say(text, showButton) {
    state.textContent = text;
    state.hidden = false;
    actions.hidden = !showButton;
  }
  function showOff(extra) {
    on = false;
    toggle.textContent = t("pushTurnOn");
    toggle.disabled = false;
    say((extra ? extra + " " : "") + t("pushOff") + " " + fallback, true);
  }
  function showOn() {
    on = true;
    toggle.textContent = t("pushTurnOff");
    toggle.disabled = false;
    say(t("pushOn"), true);
  }
  function unavailable(reason) {
    on = false;
    say(reason + " " + fallback, false);
  }
  function withTimeout(promise) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("timeout")); }, WAIT_MS);
      promise.then(function (value) { clearTimeout(timer); resolve(value); },
        function (error) { clearTimeout(timer); reject(error); });
    });
  }
  function keyBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  function sameKey(subscription) {
    var key = subscription.options && subscription.options.applicationServerKey;
    if (!key) { return true; }  // browsers that do not tell: assume it is ours
    var mine = keyBytes(publicKey);
    var theirs = new Uint8Array(key);
    if (mine.length !== theirs.length) { return false; }
    for (var i = 0; i < mine.length; i++) { if (mine[i] !== theirs[i]) { return false; } }
    return true;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.getAttribute("data-csrf-token") },
      body: JSON.stringify(body)
    }).catch(function () {
      throw new Error(t("pushUnreachable"));
    }).then(function (response) {
      if (response.redirected) { throw new Error(t("pushLoggedOut")); }
      return response.json().catch(function () { return {}; }).then(function (answer) {
        return { status: response.status, ok: response.ok, message: answer.message };
      });
    });
  }

  if (!publicKey) {
    unavailable(t("pushNotSetUp"));
    return;
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    unavailable(t("pushNoBrowserSupport"));
    return;
  }
  if (Notification.permission === "denied") {
    unavailable(t("pushBlocked"));
    return;
  }

  say(t("pushChecking"), false);
  var registration = null;
  withTimeout(navigator.serviceWorker.ready)
    .then(function (ready) {
      registration = ready;
      return withTimeout(registration.pushManager.getSubscription());
    })
    .then(function (subscription) {
      if (subscription && sameKey(subscription) && endpoints.indexOf(subscription.endpoint) !== -1 &&
          Notification.permission === "granted") {
        showOn();
      } else {
        showOff();
      }
    })
    .catch(function () { unavailable(t("pushNotAvailable")); });

  function turnOn() {
    return withTimeout(Notification.requestPermission())
      .then(function (permission) {
        if (permission !== "granted") {
          throw new Error(permission === "denied" ? t("pushBlocked") : t("pushNotAllowed"));
        }
        return withTimeout(registration.pushManager.getSubscription());
      })
      .then(function (existing) {
        // A subscription made with another key (the server's key changed) cannot receive: replace it.
        if (existing && !sameKey(existing)) { return existing.unsubscribe().then(function () { return null; }); }
        return existing;
      })
      .then(function (existing) {
        return existing || withTimeout(registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(publicKey)
        })).catch(function () {
          throw new Error(t("pushServiceUnreachable"));
        });
      })
      .then(function (subscription) { return post(box.getAttribute("data-subscribe-url"), subscription.toJSON()); })
      .then(function (answer) {
        if (!answer.ok) { throw new Error(answer.message || t("pushNotAccepted")); }
        showOn();
      });
  }

  function turnOff() {
    return withTimeout(registration.pushManager.getSubscription())
      .then(function (subscription) {
        if (!subscription) { return null; }
        return post(box.getAttribute("data-unsubscribe-url"), { endpoint: subscription.endpoint })
          .then(function (answer) {
            // 404: the server no longer had it; the phone still forgets it.
            if (!answer.ok && answer.status !== 404) { throw new Error(answer.message || t("pushTryAgain")); }
            return subscription.unsubscribe();
          });
      })
      .then(function () { showOff(); });
  }

  toggle.addEventListener("click", function () {
    toggle.disabled = true;
    var wasOn = on;
    (wasOn ? turnOff() : turnOn()).catch(function (error) {
      var reason = error && error.message && error.message !== "timeout" ? error.message : t("pushNoAnswer");
      if (wasOn) {
        toggle.disabled = false;
        say(reason + " " + t("pushStillOn"), true);
      } else {
        showOff(reason);
      }
    });
  });
}());
