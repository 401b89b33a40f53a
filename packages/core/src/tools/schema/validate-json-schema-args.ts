import { importCfworker, loadCfworker as requireCfworker } from '#platform/load-schema-libraries';
import { SchemaLibraryNotLoadedError } from '../../errors/schema-library-not-loaded-error.ts';
import type { ToolArgumentIssue, ToolArgumentsResult } from '../tool.ts';
import { SchemaLibraryLoader } from './schema-library-loader.ts';

type OutputUnit = {
  keyword: string;
  keywordLocation: string;
  instanceLocation: string;
  error: string;
};

type CfworkerValidator = { validate(instance: unknown): { valid: boolean; errors: OutputUnit[] } };

/** The part of @cfworker/json-schema used here. @internal */
export type CfworkerModule = {
  Validator: new (
    schema: Record<string, unknown> | boolean,
    draft?: '4' | '7' | '2019-09' | '2020-12',
    shortCircuit?: boolean,
  ) => CfworkerValidator;
};

/**
 * @cfworker/json-schema is loaded on first validation: apps whose tools are all zod never load it.
 * It was picked over ajv because it needs no code generation (`new Function`, refused under a
 * strict CSP and on some edge runtimes), has no dependencies, and reports every error with its
 * instance location, which is what the model needs. Off Node it is imported ahead of that use
 * (see {@link loadJsonSchemaValidator}), so a browser bundle loads it only for such a tool.
 */
const cfworker = new SchemaLibraryLoader<CfworkerModule>(requireCfworker, importCfworker);

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

function loadCfworker(toolName: string | undefined): CfworkerModule {
  const loaded = cfworker.get();
  if (loaded !== undefined) return loaded;
  // Off Node, used before its import arrived: start it (if nothing did) and say what to await.
  cfworker.load();
  throw new SchemaLibraryNotLoadedError({ library: '@cfworker/json-schema', toolName });
}

/** Picks the draft from `$schema`; 2020-12 (what zod 4 and most MCP servers write) otherwise. */
function draftOf(schema: Record<string, unknown>): '4' | '7' | '2019-09' | '2020-12' {
  const uri = typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  if (uri.includes('draft-04')) return '4';
  if (uri.includes('draft-06') || uri.includes('draft-07')) return '7';
  if (uri.includes('2019-09')) return '2019-09';
  return '2020-12';
}

// Keywords whose error only says "something below failed"; the failure below is reported itself.
const summaryKeywords = new Set([
  '$ref',
  '$recursiveRef',
  '$dynamicRef',
  'properties',
  'patternProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  'allOf',
  'if',
  'then',
  'else',
  'dependentSchemas',
  'dependencies',
  'additionalProperties',
  'unevaluatedProperties',
]);

// An error inside one branch of a union is noise: the union's own error says none matched.
const insideUnionBranch = /\/(?:anyOf|oneOf)\/\d+(?:\/|$)/;

/**
 * Makes a function that checks tool arguments against a plain JSON Schema and returns either the
 * arguments or issues with JSON paths and messages the model can act on. The validator is built
 * on the first call that needs it (flat object schemas accept valid arguments without it).
 *
 * @throws {@link SchemaLibraryNotLoadedError} off Node when that call comes before the
 *   validator's import arrived (see {@link loadJsonSchemaValidator}); never on Node.
 */
export function createJsonSchemaArgsValidator(
  schema: Record<string, unknown>,
  toolName?: string | undefined,
): (args: unknown) => ToolArgumentsResult<Record<string, unknown>> {
  let validator: CfworkerValidator | undefined;
  const accepts = flatObjectCheck(schema);
  return (args) => {
    if (accepts?.(args) === true) return { success: true, value: args as Record<string, unknown> };
    validator ??= new (loadCfworker(toolName).Validator)(schema, draftOf(schema), false);
    let result: { valid: boolean; errors: OutputUnit[] };
    try {
      result = validator.validate(args);
    } catch (error) {
      // The validator percent-encodes keys into JSON pointers, and encodeURI throws "URI
      // malformed" on a lone surrogate (a hostile gateway's `"\ud800"`): name the key instead.
      const found = error instanceof URIError ? findIllFormedKey(args, [], 0) : undefined;
      if (found === undefined) throw error;
      return {
        success: false,
        issues: [
          {
            path: found.path,
            message: `The key ${JSON.stringify(found.key)} is not valid Unicode text (it holds half of a surrogate pair). Use plain text keys.`,
          },
        ],
      };
    }
    if (result.valid) return { success: true, value: args as Record<string, unknown> };
    return { success: false, issues: toIssues(result.errors, args) };
  };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first object key holding a lone surrogate, with the path of its object. */
function findIllFormedKey(
  value: unknown,
  path: (string | number)[],
  depth: number,
): { key: string; path: (string | number)[] } | undefined {
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findIllFormedKey(value[index], [...path, index], depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) return { key, path };
    const found = findIllFormedKey(item, [...path, key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
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

function toIssues(units: OutputUnit[], instance: unknown): ToolArgumentIssue[] {
  const issues: ToolArgumentIssue[] = [];
  const seen = new Set<string>();
  // Keys refused by `additionalProperties: false`. The `false` schema's own unit says only "False
  // boolean schema." (and its keywordLocation is the instance's), so it is matched by path.
  const extraKeys = new Set<string>();
  for (const unit of units) {
    if (unit.keyword !== 'additionalProperties' && unit.keyword !== 'unevaluatedProperties')
      continue;
    const key = /^Property "(.*)" does not/.exec(unit.error)?.[1];
    if (key !== undefined)
      extraKeys.add(JSON.stringify([...toPath(unit.instanceLocation, instance), key]));
  }
  for (const unit of units) {
    if (summaryKeywords.has(unit.keyword)) continue;
    if (
      insideUnionBranch.test(unit.keywordLocation.slice(0, unit.keywordLocation.lastIndexOf('/')))
    )
      continue;
    const path = toPath(unit.instanceLocation, instance);
    let message = unit.error;
    if (unit.keyword === 'required') {
      const missing = /property "(.*)"\.$/.exec(unit.error)?.[1];
      if (missing !== undefined) {
        path.push(missing);
        message = 'Required property is missing.';
      }
    } else if (unit.keyword === 'false') {
      message = extraKeys.has(JSON.stringify(path))
        ? 'Unknown property: it is not in the parameter schema.'
        : 'No value is allowed here.';
    }
    const id = `${JSON.stringify(path)}\u0000${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push({ path, message });
  }
  // Never answer "invalid" without a reason: fall back to the summaries if everything was filtered.
  if (issues.length === 0) {
    for (const unit of units)
      issues.push({ path: toPath(unit.instanceLocation, instance), message: unit.error });
  }
  return issues;
}

/** `#/items/0/qty` → `['items', 0, 'qty']`; a segment is a number only where the value is an array. */
function toPath(location: string, instance: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  if (location === '#' || location === '') return path;
  let current: unknown = instance;
  for (const raw of location.replace(/^#\/?/, '').split('/')) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      const index = Number(segment);
      path.push(index);
      current = current[index];
    } else {
      path.push(segment);
      current =
        typeof current === 'object' && current !== null
          ? (current as Record<string, unknown>)[segment]
          : undefined;
    }
  }
  return path;
}
