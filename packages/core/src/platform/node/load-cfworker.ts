import { createRequire } from 'node:module';
import type { CfworkerModule } from '../../tools/validate-json-schema-args.ts';

/** @cfworker/json-schema, loaded on the first JSON Schema tool call, not at import. @internal */
export function loadCfworker(): CfworkerModule {
  return createRequire(import.meta.url)('@cfworker/json-schema') as CfworkerModule;
}
