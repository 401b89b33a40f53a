import type { ToolArgumentIssue, ToolArgumentsResult } from '../tool.ts';
import {
  formatPath,
  jsonPointerKey,
  MAX_REF_EXPANSION,
  MAX_SCHEMA_NESTING,
  shortPlace,
} from './inline-refs.ts';
import {
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from './json-schema-keywords.ts';
import type { SchemaPath } from './schema-warning.ts';

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
 * The check of tool arguments against a plain JSON Schema by @cfworker/json-schema's `Validator`,
 * with issues that carry JSON paths and messages the model can act on. Given the library by the
 * `#platform` half that loads it, with which it comes: on Node this module is imported statically
 * (the library is required on first use), off Node by the same `import()` as the library, so a
 * browser app whose tools are all zod (or flat: see `createJsonSchemaArgsValidator`) loads neither
 * (770 B gzip of the agent app's bundle; bench/RESULTS.md, "bytes2").
 * @internal
 */
export function createCfworkerCheck(
  { Validator }: CfworkerModule,
  schema: Record<string, unknown>,
  refsChecked = false,
): (args: unknown) => ToolArgumentsResult<Record<string, unknown>> {
  // A $ref that comes back to itself before any property overflowed the validator's stack at
  // every call ("Maximum call stack size exceeded"): every call is answered with what is wrong.
  // Not walked again for a schema whose $refs were (an MCP listing's: `refsChecked`).
  const problem = refsChecked ? undefined : findRefProblem(schema);
  if (problem !== undefined) {
    const issues = [
      { path: [], message: `This tool's parameter schema cannot check arguments: ${problem}.` },
    ];
    return () => ({ success: false, issues });
  }
  const validator = new Validator(schema, draftOf(schema), false);
  return (args) => {
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

// What the validator cannot check, found before it is built: here, not in a module of its own,
// since this one is in the root import's static graph on Node (index.static-imports.test.ts).

type Node = Record<string, unknown>;

// The keywords whose sub-schemas check a part of the value (a property, an item, a key), not the
// value itself: a `$ref` that comes back to itself must pass one of them, or its check never ends.
const INSTANCE_KEYWORDS: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'propertyNames',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  'contains',
]);

/**
 * Why a schema's local `$ref`s cannot be used, or `undefined`: `$ref`s whose expansion passes
 * {@link MAX_REF_EXPANSION} steps, counted as `inlineRefs` counts them (refs that each use the
 * next twice double at every level: 30 of them kept `defineTool` inlining for hours, and the
 * process with it), more than {@link MAX_SCHEMA_NESTING} `$ref`s in a row, or a `$ref` that
 * comes back to itself before any property or item (`a: { $ref: a }`, or through `allOf`, `anyOf`,
 * `not`): no value can be checked against it, and @cfworker/json-schema's check overflowed the
 * stack at every call. The walk stops at the bound, so it is itself bounded. A `$ref` that leads
 * nowhere is left to the inlining's own message. attack26.
 * @internal
 */
export function findRefProblem(root: Node): string | undefined {
  let visits = 0;
  // `expanding`: the refs whose targets are being read; `fresh`: those of them entered since the
  // last step into a property or an item.
  const walk = (
    node: unknown,
    path: SchemaPath,
    expanding: readonly string[],
    fresh: readonly string[],
  ): string | undefined => {
    // Nesting past the bound is refused by `defineTool` itself, naming it; stopping here keeps
    // this walk's stack as short as that check's.
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    if (path.length > MAX_SCHEMA_NESTING) return undefined;
    // Copies only, each counting the refs it is reached through (as `inlineRefs` counts): a large
    // schema without $refs is what it is (its size bounded by its source).
    visits += expanding.length;
    if (visits > MAX_REF_EXPANSION) {
      return `its $refs expand past ${MAX_REF_EXPANSION} steps (MAX_REF_EXPANSION: each schema copied for a $ref counts the $refs it is reached through); define shared parts once, without a $ref to the same definition twice at every level`;
    }
    const schema = node as Node;
    const ref = schema['$ref'];
    if (typeof ref === 'string' && ref.startsWith('#')) {
      const at = `$ref ${JSON.stringify(ref.slice(0, 200))} at ${shortPlace(formatPath(path))}`;
      if (fresh.includes(ref)) {
        return `${at} comes back to itself without going into a property or an item, so no value can ever be checked against it; make the recursion go through "properties" or "items"`;
      }
      if (expanding.length >= MAX_SCHEMA_NESTING) {
        return `${at} is reached through more than ${MAX_SCHEMA_NESTING} $refs in a row (MAX_SCHEMA_NESTING)`;
      }
      if (!expanding.includes(ref)) {
        const target = resolve(root, ref);
        const problem = walk(target, path, [...expanding, ref], [...fresh, ref]);
        if (problem !== undefined) return problem;
      }
    }
    for (const [key, value] of Object.entries(schema)) {
      const inner = INSTANCE_KEYWORDS.has(key) ? [] : fresh;
      let problem: string | undefined;
      if (SUBSCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
        for (let index = 0; index < value.length && problem === undefined; index++)
          problem = walk(value[index], [...path, key, index], expanding, inner);
      } else if (SUBSCHEMA_KEYWORDS.has(key)) {
        problem = walk(value, [...path, key], expanding, inner);
      } else if (SUBSCHEMA_MAP_KEYWORDS.has(key) && typeof value === 'object' && value !== null) {
        for (const [name, member] of Object.entries(value as Node)) {
          problem = walk(member, [...path, key, name], expanding, inner);
          if (problem !== undefined) break;
        }
      }
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
  return walk(root, [], [], []);
}

/** The target of a local `$ref` (own keys only, as `inlineRefs` reads it), or undefined. */
function resolve(root: Node, ref: string): unknown {
  if (ref === '#') return root;
  let target: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = jsonPointerKey(target, raw);
    target = key === undefined ? undefined : (target as Node)[key];
  }
  return target;
}
