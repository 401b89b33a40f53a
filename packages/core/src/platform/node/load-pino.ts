import { createRequire } from 'node:module';
import type { default as pinoFunction } from 'pino';
import { requireDependency } from '../../errors/schema-library-not-loaded-error.ts';

/**
 * pino, loaded on the first call rather than at import: pino is CommonJS and costs milliseconds to
 * load, and most programs never make a logger. require() caches the module; a bundler sees the
 * literal `require('pino')` and bundles it (see `requireDependency`).
 * @internal
 */
export function loadPino(): typeof pinoFunction {
  return requireDependency({
    name: 'pino',
    neededBy: 'createLogger',
    bundled: () => require('pino'),
    nodeRequire: () => createRequire(import.meta.url),
  }) as typeof pinoFunction;
}
