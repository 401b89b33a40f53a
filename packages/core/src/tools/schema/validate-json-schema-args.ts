import { importCfworker, loadCfworker as requireCfworker } from '#platform/load-schema-libraries';
import { SchemaLibraryNotLoadedError } from '../../errors/schema-library-not-loaded-error.ts';
import type { ToolArgumentsResult } from '../tool.ts';
import type { CfworkerModule, createCfworkerCheck } from './cfworker-check.ts';
import { SchemaLibraryLoader } from './schema-library-loader.ts';

/**
 * What the `#platform` half loads for a plain JSON Schema's validation: @cfworker/json-schema's
 * `Validator`, and the check that runs it (`cfworker-check.ts`), which comes with it.
 */
type JsonSchemaValidation = CfworkerModule & { createCfworkerCheck: typeof createCfworkerCheck };

/**
 * @cfworker/json-schema is loaded on first validation: apps whose tools are all zod never load it.
 * It was picked over ajv because it needs no code generation (`new Function`, refused under a
 * strict CSP and on some edge runtimes), has no dependencies, and reports every error with its
 * instance location, which is what the model needs. Off Node it is imported ahead of that use
 * (see {@link loadJsonSchemaValidator}), so a browser bundle loads it only for such a tool.
 */
const cfworker = new SchemaLibraryLoader<JsonSchemaValidation>(requireCfworker, importCfworker);

/**
 * Off Node, the import of the JSON Schema validator: started here (by `defineTool` for a JSON
 * Schema tool, and by an agent's first run, which waits for it), or the one in flight. Undefined
 * when there is nothing to wait for: it is loaded, or this is Node, where it loads synchronously
 * on the first validation that needs it.
 * @internal
 */
export function loadJsonSchemaValidator(): Promise<void> | undefined {
  return cfworker.load();
}

function loadCfworker(toolName: string | undefined): JsonSchemaValidation {
  const loaded = cfworker.get();
  if (loaded !== undefined) return loaded;
  // Off Node, used before its import arrived: start it (if nothing did) and say what to await.
  cfworker.load();
  throw new SchemaLibraryNotLoadedError({ library: '@cfworker/json-schema', toolName });
}

/**
 * Makes a function that checks tool arguments against a plain JSON Schema and returns either the
 * arguments or issues with JSON paths and messages the model can act on. The validator is built
 * on the first call that needs it (flat object schemas accept valid arguments without it).
 * `refsChecked`: the schema's `$ref`s were walked already (`findRefProblem`, an MCP listing's), so
 * the validator does not walk them again.
 *
 * @throws {@link SchemaLibraryNotLoadedError} off Node when that call comes before the
 *   validator's import arrived (see {@link loadJsonSchemaValidator}); never on Node.
 */
export function createJsonSchemaArgsValidator(
  schema: Record<string, unknown>,
  toolName?: string | undefined,
  refsChecked?: boolean | undefined,
): (args: unknown) => ToolArgumentsResult<Record<string, unknown>> {
  let check: ((args: unknown) => ToolArgumentsResult<Record<string, unknown>>) | undefined;
  const accepts = flatObjectCheck(schema);
  return (args) => {
    if (accepts?.(args) === true) return { success: true, value: args as Record<string, unknown> };
    if (check === undefined) {
      const validation = loadCfworker(toolName);
      check = validation.createCfworkerCheck(validation, schema, refsChecked);
    }
    return check(args);
  };
}

// A flat object schema's keywords (annotations aside), its properties' keywords, and their types.
// A Map for the types: a property's `type` comes from a schema (an MCP server's), and
// `'constructor'` must not find Object's.
const FLAT_KEYWORDS =
  /^(?:type|properties|required|additionalProperties|description|title|\$schema)$/;
const PROPERTY_KEYWORDS = /^(?:type|description|title)$/;
const PRIMITIVE_CHECKS = new Map<unknown, (value: unknown) => boolean>([
  ['string', (value) => typeof value === 'string'],
  ['boolean', (value) => typeof value === 'boolean'],
  ['number', (value) => typeof value === 'number'],
  ['integer', Number.isInteger],
]);

const isRecord = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * For an object schema of string, boolean, number and integer properties only (a subagent's
 * `{ task }`, many MCP tools' arguments), a check in code of whether arguments are valid: the
 * JSON Schema validator interprets the schema on every call, ~12 us of the ~86 us a subagent call
 * cost over the same child run called by hand (subagent-bench.ts, CPU profiles of 4,000 runs a
 * side). It only accepts; what it does not accept goes to the validator, which says why, so the
 * issues are the validator's own. `undefined` for any other schema.
 */
function flatObjectCheck(
  schema: Record<string, unknown>,
): ((args: unknown) => boolean) | undefined {
  const { properties = {}, required = [], additionalProperties: extra = true } = schema;
  const checks = new Map<string, (value: unknown) => boolean>();
  if (
    schema['type'] !== 'object' ||
    !Object.keys(schema).every((keyword) => FLAT_KEYWORDS.test(keyword)) ||
    typeof extra !== 'boolean' ||
    !Array.isArray(required) ||
    !isRecord(properties) ||
    !Object.entries(properties).every(([name, property]) => {
      const check = PRIMITIVE_CHECKS.get(property?.type);
      if (check !== undefined) checks.set(name, check);
      return check !== undefined && Object.keys(property).every((k) => PROPERTY_KEYWORDS.test(k));
    }) ||
    !required.every((name) => checks.has(name))
  ) {
    return undefined;
  }
  const names = required as string[];
  return (args) => {
    if (!isRecord(args)) return false;
    for (const name of names) if (!Object.hasOwn(args, name)) return false;
    const record = args as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const check = checks.get(key);
      if (check === undefined ? !extra : !check(record[key])) return false;
    }
    return true;
  };
}
