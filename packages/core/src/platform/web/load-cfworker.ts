import type {
  importCfworker as NodeImportCfworker,
  loadCfworker as NodeLoadCfworker,
} from '../node/load-cfworker.ts';

/**
 * Off Node there is no synchronous require(): nothing until `importCfworker` has loaded it (the
 * tools code keeps what that import gave).
 * @internal
 */
export const loadCfworker: typeof NodeLoadCfworker = () => undefined;

/**
 * @cfworker/json-schema (22.7 KB minified) in a chunk of its own, imported when a JSON Schema tool
 * is defined or a run of an agent with one starts: an app whose tools are all zod never loads it.
 * @internal
 */
export const importCfworker: typeof NodeImportCfworker = () => import('@cfworker/json-schema');
