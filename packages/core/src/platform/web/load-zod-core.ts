import * as zodCore from 'zod/v4/core';
import type { loadZodCore as NodeLoadZodCore } from '../node/load-zod-core.ts';

/** `zod/v4/core`, imported statically off Node (zod is a peer dependency, so it is there). @internal */
export const loadZodCore: typeof NodeLoadZodCore = () => zodCore;
