import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { MAX_SCHEMA_NESTING, SCHEMA_TOO_DEEP, shortPlace } from './inline-refs.ts';
import {
  DEFINITION_KEYWORDS,
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from './json-schema-keywords.ts';

/** One thing wrong with a JSON Schema document. @internal */
export type JsonSchemaProblem = {
  /** Where, e.g. `properties.query.type`. */
  path: string;
  message: string;
};

const jsonTypes = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const numberKeywords = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const countKeywords = [
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minContains',
  'maxContains',
];

/**
 * Finds what makes a JSON Schema unusable, with small hand-written checks of the keywords tools
 * use: a `type` that is not a JSON type, `properties` or `items` that are not schemas, `required`
 * that is not a list of names, a `pattern` JavaScript cannot compile, a bound that is not a number.
 *
 * Argument validation of JSON Schema tools (`@cfworker/json-schema`, see
 * `validate-json-schema-args.ts`) does not check the schema itself: a misspelt `type` rejects
 * every call, and a bad `pattern` throws at the first call. `defineTool` runs this on every plain
 * JSON Schema (hand-written, or an MCP server's), so such a schema fails when the tool is
 * defined, with the path. Schemas converted from zod or another Standard Schema pass it too, but
 * are not checked: their own library validates the arguments.
 * @internal
 */
export function findJsonSchemaProblems(schema: unknown): JsonSchemaProblem[] {
  const problems: JsonSchemaProblem[] = [];
  visit(schema, [], problems, new Set());
  return problems;
}

function visit(
  schema: unknown,
  path: string[],
  problems: JsonSchemaProblem[],
  seen: Set<object>,
): void {
  if (typeof schema === 'boolean') return;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    problems.push({
      path: show(path),
      message: `a schema must be an object or a boolean, got ${describe(schema)}`,
    });
    return;
  }
  // A cyclic (hand-built) schema is refused by the cleaning, with the place of the cycle.
  if (seen.has(schema)) return;
  // The path has a segment per object or list: the nesting every later walk recurses through.
  if (path.length > MAX_SCHEMA_NESTING) {
    problems.push({ path: shortPlace(show(path)), message: SCHEMA_TOO_DEEP });
    return;
  }
  seen.add(schema);
  const node = schema as Record<string, unknown>;
  const report = (keyword: string, message: string): void => {
    problems.push({ path: show([...path, keyword]), message });
  };

  const type = node['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    for (const entry of types) {
      if (typeof entry !== 'string' || !jsonTypes.has(entry)) {
        report(
          'type',
          `${describe(entry)} is not a JSON Schema type (${[...jsonTypes].join(', ')})`,
        );
      }
    }
  }
  const required = node['required'];
  if (
    required !== undefined &&
    !(Array.isArray(required) && required.every((name) => typeof name === 'string'))
  ) {
    report('required', `must be a list of property names, got ${describe(required)}`);
  }
  if (node['enum'] !== undefined && !Array.isArray(node['enum'])) {
    report('enum', `must be a list of values, got ${describe(node['enum'])}`);
  }
  const pattern = node['pattern'];
  if (pattern !== undefined) checkPattern(pattern, (message) => report('pattern', message));
  for (const keyword of numberKeywords) {
    const value = node[keyword];
    // Draft 4 wrote exclusiveMinimum/exclusiveMaximum as booleans.
    if (
      value !== undefined &&
      typeof value !== 'number' &&
      !(keyword.startsWith('exclusive') && typeof value === 'boolean')
    ) {
      report(keyword, `must be a number, got ${describe(value)}`);
    } else if (
      typeof value === 'number' &&
      !(Number.isFinite(value) && (keyword !== 'multipleOf' || value > 0))
    ) {
      // JSON has no NaN or Infinity (sent as null), and JSON Schema's divisor is above zero: a
      // `multipleOf: 0` tool refused every call ("2 is not a multiple of 0.", tools65).
      report(
        keyword,
        `must be a ${keyword === 'multipleOf' ? 'number greater than zero' : 'finite number'}, got ${value}`,
      );
    }
  }
  for (const keyword of countKeywords) {
    const value = node[keyword];
    if (
      value !== undefined &&
      !(typeof value === 'number' && Number.isInteger(value) && value >= 0)
    ) {
      report(keyword, `must be a non-negative integer, got ${describe(value)}`);
    }
  }

  for (const keyword of SUBSCHEMA_KEYWORDS) {
    if (keyword !== 'items' && node[keyword] !== undefined)
      visit(node[keyword], [...path, keyword], problems, seen);
  }
  // `items` is one schema, or (drafts 4 to 7) a list of them.
  const items = node['items'];
  if (Array.isArray(items)) {
    for (const [index, item] of items.entries())
      visit(item, [...path, 'items', String(index)], problems, seen);
  } else if (items !== undefined) {
    visit(items, [...path, 'items'], problems, seen);
  }
  for (const keyword of SUBSCHEMA_LIST_KEYWORDS) {
    if (keyword === 'items') continue;
    const list = node[keyword];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) {
      report(keyword, `must be a non-empty list of schemas, got ${describe(list)}`);
      continue;
    }
    for (const [index, item] of list.entries())
      visit(item, [...path, keyword, String(index)], problems, seen);
  }
  for (const keyword of [...SUBSCHEMA_MAP_KEYWORDS, ...DEFINITION_KEYWORDS]) {
    const map = node[keyword];
    if (map === undefined) continue;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      report(keyword, `must be an object of schemas, got ${describe(map)}`);
      continue;
    }
    for (const [key, value] of Object.entries(map)) {
      if (keyword === 'patternProperties') {
        checkPattern(key, (message) =>
          problems.push({ path: show([...path, keyword, key]), message }),
        );
      }
      if (keyword === 'dependencies' && Array.isArray(value)) {
        // Draft 4-7's property dependency: the names that must be present with this one.
        if (!value.every((name) => typeof name === 'string')) {
          problems.push({
            path: show([...path, keyword, key]),
            message: `must be a list of property names or a schema, got ${describe(value)}`,
          });
        }
        continue;
      }
      visit(value, [...path, keyword, key], problems, seen);
    }
  }
}

// More problems than this in one message help nobody; the count of the rest is given.
const maxListedProblems = 5;

/**
 * Throws when {@link findJsonSchemaProblems} finds anything, naming the first problem's path as
 * the argument (`parameters.properties.city.type`) and listing the problems in the message.
 *
 * @throws {@link InvalidArgumentError}
 * @internal
 */
export function assertUsableJsonSchema(
  schema: unknown,
  { argument, subject }: { argument: string; subject: string },
): void {
  const problems = findJsonSchemaProblems(schema);
  if (problems.length === 0) return;
  const first = problems[0] as JsonSchemaProblem;
  const listed = problems
    .slice(0, maxListedProblems)
    .map((problem) => `${problem.path}: ${problem.message}`)
    .join('; ');
  const more =
    problems.length > maxListedProblems ? ` (and ${problems.length - maxListedProblems} more)` : '';
  throw new InvalidArgumentError({
    argument: first.path === '(root)' ? argument : `${argument}.${first.path}`,
    message: `${subject} is not a usable JSON Schema: ${listed}${more}. Fix the schema; arguments are validated against it, so each of these would reject or break every call.`,
  });
}

function checkPattern(pattern: unknown, report: (message: string) => void): void {
  if (typeof pattern !== 'string') {
    report(`must be a regular expression string, got ${describe(pattern)}`);
    return;
  }
  try {
    // The validator compiles patterns with the `u` flag, as JSON Schema (ECMA-262) asks.
    new RegExp(pattern, 'u');
  } catch (error) {
    report(
      `is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function show(path: string[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
