import { createRequire } from 'node:module';
import type { default as pinoFunction } from 'pino';

/**
 * pino, loaded on the first call rather than at import: pino is CommonJS and costs milliseconds to
 * load, and most programs never make a logger. require() caches the module.
 * @internal
 */
export function loadPino(): typeof pinoFunction {
  return createRequire(import.meta.url)('pino') as typeof pinoFunction;
}
