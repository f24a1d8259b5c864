// Draws the figures the server embedded as JSON with plotly.js (the app's own bundle: scatter and bar).
// Pages with charts preload plotly.js in their head, so it downloads while the words (status,
// aftercare, summaries) are parsed and shown, and is already here when a chart comes near the screen.
// It is run only then (about a second of a phone's CPU), and each chart is drawn in a task of its own,
// so the page stays quick to respond while it is read. Without JavaScript the text summaries remain.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  if (!boxes.length) { return; }
  var config = { displayModeBar: false, responsive: true, scrollZoom: false };
  var waiting = [];
  var requested = false;

  function draw(box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source || box.hasAttribute("data-drawn")) { return; }
    box.setAttribute("data-drawn", "");
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(box, figure.data, figure.layout, config);
  }

  function drawSoon(box) {
    if (window.Plotly) { setTimeout(function () { draw(box); }, 0); return; }
    waiting.push(box);
    if (requested) { return; }
    requested = true;
    var script = document.createElement("script");
    script.src = box.getAttribute("data-plotly-src"); // the preloaded file: no second download
    script.onload = function () { waiting.forEach(drawSoon); };
    document.head.appendChild(script);
  }

  if (!("IntersectionObserver" in window)) { boxes.forEach(drawSoon); return; }
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
