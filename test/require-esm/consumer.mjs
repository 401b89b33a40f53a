// An ES module consumer of @gemloop/core.
import { createRequire } from 'node:module';
import * as core from '@gemloop/core';

const require = createRequire(import.meta.url);
const { runConsumer } = require('./run-consumer.cjs');
const pinoLoaded = () => Object.keys(require.cache).some((path) => path.includes('/pino/'));

const pinoLoadedAtImport = pinoLoaded();
const result = await runConsumer(core, pinoLoaded);
console.log(JSON.stringify({ kind: 'module', pinoLoadedAtImport, ...result }));
