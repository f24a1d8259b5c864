// The plotly.js the app serves: its core and only the trace types app/core/charts.py draws.
// plotly.js's documented way to a smaller bundle: require lib/core and register lib/<trace>.

var Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/scatter"), require("plotly.js/lib/bar")]);

module.exports = Plotly;
