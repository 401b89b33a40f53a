import pino from 'pino';
import type { loadPino as NodeLoadPino } from '../node/load-pino.ts';

/**
 * pino's browser build (bundlers pick it through pino's `browser` field): it logs to the console.
 * A static import, as there is no synchronous require() off Node; bundlers drop it when
 * `createLogger` is not used.
 * @internal
 */
export const loadPino: typeof NodeLoadPino = () => pino;
