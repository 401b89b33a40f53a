import { createRequire } from 'node:module';

type CfworkerValidator = new (
  schema: unknown,
  draft?: string,
) => { validate(value: unknown): { valid: boolean } };

// @cfworker/json-schema is core's dependency (its tool-argument validator), not this package's:
// the tests load it from core's own location rather than adding a devDependency for it.
const requireHere = createRequire(import.meta.url);
const requireFromCore = createRequire(requireHere.resolve('@gemloop/core/package.json'));
const { Validator } = requireFromCore('@cfworker/json-schema') as { Validator: CfworkerValidator };

/** Whether `value` satisfies the JSON Schema `schema` (draft 2020-12 by default). Test-only. */
export function satisfiesSchema(schema: unknown, value: unknown, draft = '2020-12'): boolean {
  return new Validator(schema, draft).validate(value).valid;
}
