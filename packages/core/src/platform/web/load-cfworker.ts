import { Validator } from '@cfworker/json-schema';
import type { loadCfworker as NodeLoadCfworker } from '../node/load-cfworker.ts';

/** @cfworker/json-schema, imported statically off Node (no synchronous require() there). @internal */
export const loadCfworker: typeof NodeLoadCfworker = () => ({ Validator });
