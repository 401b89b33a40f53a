// An ES module consumer of @gemloop/core: its root and every subpath.
import { createRequire } from 'node:module';
import * as root from '@gemloop/core';
import * as errors from '@gemloop/core/errors';
import * as logging from '@gemloop/core/logging';

const require = createRequire(import.meta.url);
const { runConsumer, listSubpaths } = require('./run-consumer.cjs');
const pinoLoaded = () => Object.keys(require.cache).some((path) => path.includes('/pino/'));

const pinoLoadedAtImport = pinoLoaded();
const subpaths = {};
for (const specifier of listSubpaths()) {
  subpaths[specifier] = Object.keys(await import(specifier)).length;
}
const result = await runConsumer({ ...root, ...errors, ...logging }, pinoLoaded);
console.log(JSON.stringify({ kind: 'module', pinoLoadedAtImport, subpaths, ...result }));
