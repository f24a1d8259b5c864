// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Tell the server the phone's time zone so "21:30" means 21:30 where the patient is.
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = ""; }
  if (zone) {
    document.querySelectorAll('input[type=hidden][name=timezone]').forEach(function (input) {
      input.value = zone;
    });
  }
  // After a failed submit, move focus to the error summary so screen readers announce it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
