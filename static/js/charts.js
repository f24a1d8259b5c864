// Draws the figures the server embedded as JSON. plotly.js (1 MB) is fetched only when a chart
// comes near the screen, so the words above it (status, aftercare, summaries) are ready at once.
// Without JavaScript the text summaries remain.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-chart]");
  if (!boxes.length) { return; }
  var config = { displayModeBar: false, responsive: true, scrollZoom: false };
  var requested = false;

  function draw() {
    boxes.forEach(function (box) {
      var source = document.getElementById(box.getAttribute("data-chart"));
      if (source && !box.hasAttribute("data-drawn")) {
        var figure = JSON.parse(source.textContent);
        window.Plotly.newPlot(box, figure.data, figure.layout, config);
        box.setAttribute("data-drawn", "");
      }
    });
  }

  function loadPlotly() {
    if (requested) { return; }
    requested = true;
    if (window.Plotly) { draw(); return; }
    var script = document.createElement("script");
    script.src = boxes[0].getAttribute("data-plotly-src");
    script.onload = draw;
    document.head.appendChild(script);
  }

  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        loadPlotly();
      }
    }, { rootMargin: "300px" });
    boxes.forEach(function (box) { observer.observe(box); });
  } else {
    loadPlotly();
  }
})();
