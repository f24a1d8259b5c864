// Builds static/vendor/plotly/plotly-afterglow.min.js from the pinned plotly.js npm package (make plotly-bundle).
//
// plotly.js documents two ways to a bundle with fewer trace types: `npm run custom-bundle -- --traces
// scatter,bar` in a clone of its repository (CUSTOM_BUNDLE.md), or an index that requires lib/core and
// registers lib/<trace>, bundled by one's own tool (README.md, "Alternative ways to load and build", and
// BUILDING.md). The npm package
// ships no build tasks, so this does the second with the settings of plotly.js's own esbuild-config.js
// (an IIFE defining the global Plotly, global = window, AMD off, ES2016, minified), and strips the
// attribute metadata (descriptions and the like, used only by its schema tools) as its bundle task does.
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
// `node build.mjs --out FILE` writes elsewhere (a test compares that with the committed file).
const outArg = process.argv.indexOf("--out");
const committed = join(here, "..", "..", "static", "vendor", "plotly", "plotly-afterglow.min.js");
const outfile = outArg > 0 ? resolve(process.argv[outArg + 1]) : committed;
const require = createRequire(import.meta.url);
const plotlyVersion = require("plotly.js/package.json").version;
// The copyright line of plotly.js's own bundles, taken from its package so the build stays reproducible.
const copyright = (await readFile(require.resolve("plotly.js/dist/plotly-basic.min.js"), "utf8")).match(
  /Copyright [^\n]*/,
)[0];
const TRACES = ["scatter", "bar"]; // keep in step with index.js

// Attribute metadata plotly.js's bundles leave out: a one-line string, a joined array of strings, an array.
const META = [
  /\s*description: '.*',?/g,
  /\s*description: \[[\s\S]*?\]\.join\([\s\S]*?\),?/g,
  /\s*requiredOpts: \[[\s\S]*?\],?/g,
  /\s*otherOpts: \[[\s\S]*?\],?/g,
  /\s*role: '.*',?/g,
  /\s*hrName: '.*',?/g,
];

const stripMeta = {
  name: "strip-plotly-attribute-metadata",
  setup(bundler) {
    bundler.onLoad({ filter: /[\\/]plotly\.js[\\/]src[\\/].*\.js$/ }, async ({ path }) => {
      let contents = await readFile(path, "utf8");
      for (const pattern of META) contents = contents.replace(pattern, "");
      return { contents, loader: "js" };
    });
  },
};

const result = await build({
  entryPoints: [join(here, "index.js")],
  outfile,
  format: "iife",
  globalName: "Plotly",
  bundle: true,
  minify: true,
  sourcemap: false,
  define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" },
  target: "es2016",
  plugins: [stripMeta],
  write: false,
  logLevel: "warning",
});

const header = `/**
* plotly.js (Afterglow: ${TRACES.join(", ")} - minified) v${plotlyVersion}
* ${copyright}
* All rights reserved.
* Licensed under the MIT license
* Built by tools/plotly-bundle (make plotly-bundle) from the npm package plotly.js@${plotlyVersion}.
*/
`;
// Only the script (licence comments of its dependencies at the end, as esbuild keeps them): the maplibre stylesheet plotly.js imports for map traces is not part of this bundle.
const script = result.outputFiles.find((file) => file.path.endsWith(".js"));
await writeFile(outfile, header + script.text);
console.log(`${relative(process.cwd(), outfile)}: ${(header.length + script.contents.length) / 1000} kB`);
