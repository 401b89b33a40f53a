// The checks a Node version runs, in one process (test/runtimes/node-versions.test.ts): first
// require(esm) from CommonJS (the require-esm consumer, before anything imports the core), then
// the portable suite and the Node-only checks (node-checks.ts, ESM, through Node's own type
// stripping). Prints one JSON line: the report. argv[2]: node-checks' input, as JSON.
const requireEsm = require('../../require-esm/consumer.cjs');

(async () => {
  const commonjs = await requireEsm;
  const { runNodeChecks } = await import('./node-checks.ts');
  const report = await runNodeChecks(JSON.parse(process.argv[2]));
  console.log(JSON.stringify({ commonjs, ...report }));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
