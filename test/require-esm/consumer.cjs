// A CommonJS consumer: require() of the ESM-only @gemloop/core (Node >= 20.19 loads ESM
// synchronously when the graph has no top-level await), its root and every subpath.
const core = {
  ...require('@gemloop/core'),
  ...require('@gemloop/core/errors'),
  ...require('@gemloop/core/logging'),
};
const { runConsumer, listSubpaths } = require('./run-consumer.cjs');

const pinoLoadedAtImport = Object.keys(require.cache).some((path) => path.includes('/pino/'));
const subpaths = Object.fromEntries(
  listSubpaths().map((specifier) => [specifier, Object.keys(require(specifier)).length]),
);
const report = runConsumer(core, () =>
  Object.keys(require.cache).some((path) => path.includes('/pino/')),
).then((result) => ({ kind: 'commonjs', pinoLoadedAtImport, subpaths, ...result }));

// Run as a script it prints its report; required first thing by another runtime's checks
// (test/runtimes/suite/node-entry.cjs, under Node 22 and 24) it hands the report over.
if (require.main === module) {
  report
    .then((result) => console.log(JSON.stringify(result)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
module.exports = report;
