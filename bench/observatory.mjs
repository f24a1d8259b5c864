// make tls-check: the MDN HTTP Observatory's own scan and grading, pointed at a local host, port and path.
// Its CLI (mdn-http-observatory-scan) only takes a host name and always scans https://<host>/ on port 443;
// this runs the same steps as its scan() (src/scanner/index.js) with the ports and path passed on.
// Usage: node bench/observatory.mjs <host> <https port> <http port> <path>   (exits 1 unless A+)
// The certificate must be trusted: NODE_EXTRA_CA_CERTS=<its PEM>.
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const root = path.dirname(require.resolve("@mdn/mdn-http-observatory/package.json"));
// The preload list is downloaded by the package's install script (skipped: bench/.npmrc). A local
// host is on no preload list, so an empty one gives the same result.
const preload = path.join(root, "conf", "hsts-preload.json");
if (!existsSync(preload)) writeFileSync(preload, "{}");

const load = (file) => import(path.join(root, "src", file));
const { retrieve } = await load("retriever/retriever.js");
const { ALL_TESTS, NUM_TESTS } = await load("constants.js");
const { getGradeForScore, getScoreModifier } = await load("grader/grader.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await load("grader/charts.js");

const [host = "localhost", httpsPort = "8443", httpPort = "8080", urlPath = "/auth/login"] = process.argv.slice(2);
const r = await retrieve(host, { httpsPort, httpPort, path: urlPath });
const status = r.responses.auto?.status;
if (!status || status < 200 || (status >= 400 && ![401, 403].includes(status))) {
  console.error(`observatory: https://${host}:${httpsPort}${urlPath} answered ${status ?? "nothing"}`);
  process.exit(1);
}

// As scan(): extra credit counts only once the score without it is an A.
let withCredit = 100;
let uncurved = 100;
let passed = 0;
const lines = [];
for (const test of ALL_TESTS) {
  const result = test(r);
  const modifier = result.result ? getScoreModifier(result.result) : 0;
  withCredit += modifier;
  if (modifier < 0) uncurved += modifier;
  if (result.pass) passed += 1;
  lines.push(`  ${result.pass ? "pass" : "FAIL"} ${result.constructor.name.padEnd(32)} ${String(modifier).padStart(4)}  ${result.result}`);
}
const { grade, score } = getGradeForScore(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withCredit : uncurved);
console.log(`MDN HTTP Observatory, https://${host}:${httpsPort}${urlPath} (HTTP port ${httpPort}):`);
console.log(lines.join("\n"));
console.log(`grade ${grade}, score ${score}, tests passed ${passed}/${NUM_TESTS}`);
process.exit(grade === "A+" ? 0 : 1);
