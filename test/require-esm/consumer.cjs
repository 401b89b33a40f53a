// A CommonJS consumer: require() of the ESM-only @gemloop/core (Node >= 20.19 loads ESM
// synchronously when the graph has no top-level await).
const core = require('@gemloop/core');
const { runConsumer } = require('./run-consumer.cjs');

const pinoLoadedAtImport = Object.keys(require.cache).some((path) => path.includes('/pino/'));
runConsumer(core, () => Object.keys(require.cache).some((path) => path.includes('/pino/')))
  .then((result) =>
    console.log(JSON.stringify({ kind: 'commonjs', pinoLoadedAtImport, ...result })),
  )
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
