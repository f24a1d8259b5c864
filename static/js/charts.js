// Draws the figures the server embedded as JSON with plotly.js (the app's own bundle: scatter and bar).
// The words come first: once the page has painted them, plotly.js (294 KB) starts downloading, so it
// never competes with the text for a slow connection yet is usually here before the patient reaches a
// chart. It is run only when a chart comes near the screen (about a second of a phone's CPU), and each
// chart is drawn in a task of its own, so the page stays quick to respond while it is read.
// Without JavaScript the text summaries remain.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  if (!boxes.length) { return; }
  var src = boxes[0].getAttribute("data-plotly-src");
  var config = { displayModeBar: false, responsive: true, scrollZoom: false };
  var waiting = [];
  var summary = document.querySelector("[data-print-summary]");
  var requested = false;

  function draw(box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source || box.hasAttribute("data-drawn")) { return; }
    box.setAttribute("data-drawn", "");
    var figure = JSON.parse(source.textContent);
    // On paper a session's status and both charts share two pages: shorter figures fit them.
    if (summary && figure.layout && figure.layout.height) {
      figure.layout.height = Math.round(figure.layout.height * 0.62);
    }
    window.Plotly.newPlot(box, figure.data, figure.layout, config);
  }

  function drawSoon(box) {
    if (window.Plotly) { setTimeout(function () { draw(box); }, 0); return; }
    waiting.push(box);
    if (requested) { return; }
    requested = true;
    var script = document.createElement("script");
    script.src = src; // the preloaded file: no second download
    script.onload = function () { waiting.forEach(drawSoon); };
    document.head.appendChild(script);
  }

  function preload() {
    if (requested) { return; }
    var link = document.createElement("link");
    link.rel = "preload";
    link.as = "script";
    link.href = src;
    document.head.appendChild(link);
  }

  // After the next paint: the frame's callbacks run before it is painted, a task queued there after.
  requestAnimationFrame(function () { setTimeout(preload, 0); });

  // A printable summary draws every chart at once, so that printing never finds one missing.
  if (summary) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }
  if (summary || !("IntersectionObserver" in window)) { boxes.forEach(drawSoon); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        drawSoon(entry.target);
      }
    });
  }, { rootMargin: "300px" });
  boxes.forEach(function (box) { observer.observe(box); });
})();
