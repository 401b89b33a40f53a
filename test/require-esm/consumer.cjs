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
runConsumer(core, () => Object.keys(require.cache).some((path) => path.includes('/pino/')))
  .then((result) =>
    console.log(JSON.stringify({ kind: 'commonjs', pinoLoadedAtImport, subpaths, ...result })),
  )
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
