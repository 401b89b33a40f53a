import { setOwnKey } from '../../shared/set-own-key.ts';
import { formatPath, inlineRefs, SchemaConflictError } from './inline-refs.ts';
import {
  DEFINITION_KEYWORDS,
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from './json-schema-keywords.ts';
import type { SchemaPath } from './schema-warning.ts';

type Node = Record<string, unknown>;

/**
 * Merges `allOf` members into their parent, since Gemini's OpenAPI subset has no `allOf` (zod's
 * `.and()` and intersections produce it). Properties are united (a property defined by two
 * members becomes an `allOf` of both, merged in turn), `required` lists are united, `type`s are
 * intersected. For any other keyword two members disagree on, the first value is kept and a
 * warning says so.
 * @internal
 */
export function mergeAllOf(
  node: Node,
  path: SchemaPath,
  warn: (path: SchemaPath, keyword: string, message: string) => void,
): Node {
  const { allOf, ...merged } = node;
  for (const [index, member] of (allOf as unknown[]).entries()) {
    if (member === true) continue;
    if (typeof member !== 'object' || member === null || Array.isArray(member)) {
      warn([...path, 'allOf', index], 'allOf', 'a member that accepts nothing is ignored');
      continue;
    }
    let source = member as Node;
    if (Array.isArray(source['allOf']))
      source = mergeAllOf(source, [...path, 'allOf', index], warn);
    for (const [key, value] of Object.entries(source)) {
      const existing = merged[key];
      if (existing === undefined) {
        merged[key] = value;
      } else if (key === 'properties' && isNode(existing) && isNode(value)) {
        const properties: Node = { ...existing };
        for (const [name, schema] of Object.entries(value)) {
          setOwnKey(
            properties,
            name,
            Object.hasOwn(properties, name) ? { allOf: [properties[name], schema] } : schema,
          );
        }
        merged[key] = properties;
      } else if (key === 'required' && Array.isArray(existing) && Array.isArray(value)) {
        merged[key] = [...new Set([...existing, ...value])];
      } else if (key === 'type') {
        const types = intersect(existing, value);
        if (types.length === 0) {
          warn(
            [...path, 'allOf', index],
            'type',
            `allOf members disagree on the type; ${JSON.stringify(existing)} is kept`,
          );
        } else {
          merged[key] = types.length === 1 ? types[0] : types;
        }
      } else if (key === 'description') {
        // The outer description is the more specific one.
      } else if (JSON.stringify(existing) !== JSON.stringify(value)) {
        warn(
          [...path, 'allOf', index],
          key,
          `allOf members disagree on "${key}"; the first value is kept`,
        );
      }
    }
  }
  return merged;
}

/**
 * Merges every `allOf` of a zod schema's JSON Schema into one schema (with {@link mergeAllOf}), so
 * that both zods declare an intersection alike: zod 4 folds one of plain objects itself, and writes
 * `allOf` otherwise (described sides, a field both sides define, two strings); zod-to-json-schema
 * (zod 3) always writes `allOf`, which a tool's root check refused ("got a schema with allOf",
 * attack68b). `allOf` is not among the keywords Google lists for its JSON Schema (js-genai
 * `responseJsonSchema`), so the model may not read a nested one either. The declaration only: the
 * arguments are still checked by zod. `additionalProperties` is kept only when every side says
 * the same (as zod 4 folds: `false` on one side alone would forbid the other side's fields).
 *
 * A schema without `allOf` is returned as it is. Otherwise its `$ref`s are inlined first (zod 3
 * points into a side reused elsewhere: `#/properties/from/allOf/0`), and a schema with a
 * recursive `$ref` into a side, which the merge would leave pointing to nothing, is returned as
 * it is (its `allOf` stays).
 *
 * Here, beside {@link mergeAllOf}, not in a module of its own: on Node this module is loaded
 * already (by `schemaFormat: 'openapi'`'s converter), and the root import is at its module limit;
 * off Node it comes with zod 3's converter, in its chunk.
 *
 * @throws {@link SchemaConflictError} naming the place of an intersection whose sides share no
 *   type (no value passes), and the fix.
 * @internal
 */
export function mergeIntersections(schema: Node): Node {
  // Most schemas have none (a field named "allOf" costs a walk that finds nothing to merge).
  if (!JSON.stringify(schema).includes('"allOf"')) return schema;
  const { schema: inlined, recursiveRefs } = inlineRefs(schema);
  if (recursiveRefs.some(({ ref }) => ref.includes('/allOf/'))) return schema;
  return mergeIn(inlined, []) as Node;
}

function mergeIn(node: unknown, path: SchemaPath): unknown {
  if (!isNode(node)) return node;
  let schema = node;
  const sides = node['allOf'];
  if (Array.isArray(sides)) {
    schema = mergeAllOf(node, path, (_, keyword) => {
      // Other disagreements keep the first side's value: the declaration guides, zod checks.
      if (keyword !== 'type') return;
      const types = sides.map((side) => (isNode(side) ? side['type'] : undefined));
      throw new SchemaConflictError(
        path,
        `the intersection at ${formatPath(path)} can hold no value: its sides are of types ${types
          .filter((type) => type !== undefined)
          .map((type) => JSON.stringify(type))
          .join(' and ')}. Give both sides one type, or use a union if either may be sent`,
      );
    });
    const closed = JSON.stringify(schema['additionalProperties']);
    if (
      node['additionalProperties'] === undefined &&
      !sides.every(
        (side) => isNode(side) && JSON.stringify(side['additionalProperties']) === closed,
      )
    )
      delete schema['additionalProperties'];
  }
  const out: Node = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SUBSCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((member, index) => mergeIn(member, [...path, key, index]));
    } else if (SUBSCHEMA_KEYWORDS.has(key)) {
      out[key] = mergeIn(value, [...path, key]);
    } else if (
      (SUBSCHEMA_MAP_KEYWORDS.has(key) || DEFINITION_KEYWORDS.includes(key)) &&
      isNode(value)
    ) {
      const map: Node = {};
      for (const [name, member] of Object.entries(value))
        setOwnKey(map, name, mergeIn(member, [...path, key, name]));
      out[key] = map;
    } else {
      setOwnKey(out, key, value);
    }
  }
  return out;
}

/**
 * Throws where a side's `additionalProperties: false` refuses a property another side defines or
 * requires (no call sending it passes); returns why not to merge where a side's
 * `additionalProperties` is a schema that another side's property would meet too. Each name is
 * kept with the first two sides that name it, so a hostile listing (an MCP server's: a thousand
 * closed sides of a thousand properties) costs sides × names, not sides² × names.
 */
function checkClosedSides(
  sides: readonly Node[],
  names: readonly string[],
  subject: string,
  path: SchemaPath,
): string | undefined {
  const namers = new Map<string, [side: number, requires: boolean][]>();
  for (const [index, side] of sides.entries()) {
    const required = new Set(Array.isArray(side['required']) ? side['required'].map(String) : []);
    const defined = isNode(side['properties']) ? Object.keys(side['properties']) : [];
    for (const name of new Set([...defined, ...required])) {
      const list = namers.get(name) ?? [];
      if (list.length < 2) namers.set(name, [...list, [index, required.has(name)]]);
    }
  }
  for (const [index, side] of sides.entries()) {
    const rest = side['additionalProperties'];
    if (rest === undefined || rest === true) continue;
    const own = isNode(side['properties']) ? side['properties'] : {};
    for (const [name, list] of namers) {
      const other = list.find(([namer]) => namer !== index);
      if (other === undefined || Object.hasOwn(own, name)) continue;
      if (rest !== false) return `${names[index]}'s additionalProperties applies to "${name}" too`;
      throw new SchemaConflictError(
        path,
        `${subject} refuses the property "${name}": ${names[index]} has additionalProperties: false without "${name}" among its properties, and ${names[other[0]]} ${other[1] ? 'requires' : 'defines'} it, so no call that sends it passes. In ${names[index]}, list "${name}" in its properties too, or drop additionalProperties: false`,
      );
    }
  }
  return undefined;
}

/** The values of `left` that `right` holds too, as JSON (a set: hostile enums are long). */
function sharedValues(left: readonly unknown[], right: readonly unknown[]): unknown[] {
  const held = new Set(right.map((item) => JSON.stringify(item)));
  return left.filter((item) => held.has(JSON.stringify(item)));
}

function intersect(left: unknown, right: unknown): unknown[] {
  const leftTypes = Array.isArray(left) ? left : [left];
  const rightTypes = Array.isArray(right) ? right : [right];
  const types: unknown[] = [];
  for (const type of leftTypes) {
    if (rightTypes.includes(type)) types.push(type);
    else if (type === 'integer' && rightTypes.includes('number')) types.push('integer');
    else if (type === 'number' && rightTypes.includes('integer')) types.push('integer');
  }
  return types;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keywords that only annotate: where sides disagree, the first is kept, and no value's fate changes. */
const ANNOTATIONS = new Set([
  'description',
  'title',
  '$comment',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

/** Bounds two sides may both set: a value meets both exactly when it meets the tighter one. */
const LOWER_BOUNDS = new Set([
  'minimum',
  'exclusiveMinimum',
  'minLength',
  'minItems',
  'minProperties',
]);
const UPPER_BOUNDS = new Set([
  'maximum',
  'exclusiveMaximum',
  'maxLength',
  'maxItems',
  'maxProperties',
]);

/**
 * Keywords read together with their neighbours in one schema (`then` only where `if` is, `items`
 * after its own `prefixItems`, `unevaluated*` over what its own schema evaluated): merged only
 * when one side has the group.
 */
const GROUPS: readonly (readonly string[])[] = [
  ['if', 'then', 'else'],
  ['contains', 'minContains', 'maxContains'],
  ['prefixItems', 'items', 'additionalItems'],
  ['unevaluatedProperties', 'unevaluatedItems'],
];

/**
 * Never merged: a `$ref` left after inlining is recursive, and Google lets no keyword beside a
 * `$ref` (js-genai `responseJsonSchema`); an `allOf` left in a member could not be merged itself.
 */
const UNMERGED = ['$ref', '$dynamicRef', '$recursiveRef', 'allOf'];

type Warn = (path: SchemaPath, keyword: string, message: string) => void;

/**
 * Merges every `allOf` of a plain JSON Schema (a tool's own, an MCP server's, a Standard Schema
 * library's) into its parent where that changes nothing the schema accepts, so that Gemini reads
 * one schema: Google lists no `allOf` among the keywords its JSON Schema supports (js-genai 2.32
 * `GenerateContentConfig.responseJsonSchema`, the list `parametersJsonSchema` is assumed to share,
 * wire doc §4), js-genai has no code for it, and @ai-sdk/google 3.0.141 sends it on as written
 * (`convert-json-schema-to-openapi-schema.ts`), so a root `{ type: 'object', allOf: [...] }` may
 * reach the model as a tool without parameters. Stricter than {@link mergeIntersections} (a zod
 * schema, whose own parse checks the arguments): here the validator checks the schema as written,
 * so the declaration must not tell the model of values the validator refuses.
 *
 * On Node only, called before `cleanJsonSchema` by `defineTool` and `output` (off Node a no-op,
 * see the web half of `#platform`); not from `cleanJsonSchema` itself, whose module is in a chunk
 * shared with lazy features: an import of `#platform` there cost the agent app's bundle 100 B.
 *
 * The sides (the schema beside the `allOf`, then each member) are merged keyword by keyword:
 * `properties` united (a property two sides define is the merge of both, in turn), `required`
 * united, `type`s and `enum`s intersected, bounds the tighter, annotations the first, any other
 * keyword taken when the sides that set it agree. Where they do not (two `pattern`s), or where a
 * keyword reads its neighbours ({@link GROUPS} on two sides, {@link UNMERGED}, `patternProperties`
 * beside a closed side), the `allOf` is kept as written and `warn` says why.
 *
 * @throws {@link SchemaConflictError} naming the place and the fix where the members contradict
 *   each other: types or enums that share no value, or `additionalProperties: false` on a side
 *   that does not list a property another side defines or requires (no call sending it passes).
 * @internal
 */
export function mergeJsonSchemaAllOf(schema: Node, warn: Warn): Node {
  let text: string;
  try {
    text = JSON.stringify(schema);
  } catch {
    return schema; // A schema that contains itself: `cleanJsonSchema`'s inlining names the place.
  }
  if (!text.includes('"allOf"')) return schema;
  // Inlined first, as `cleanJsonSchema` does after: a member is often a `$ref` (pydantic writes
  // `{ allOf: [{ $ref }], description }` for a described reference).
  return walkAllOf(inlineRefs(schema).schema, [], warn) as Node;
}

function walkAllOf(node: unknown, path: SchemaPath, warn: Warn): unknown {
  if (!isNode(node)) return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (SUBSCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((member, index) => walkAllOf(member, [...path, key, index], warn));
    } else if (SUBSCHEMA_KEYWORDS.has(key)) {
      out[key] = walkAllOf(value, [...path, key], warn);
    } else if (
      (SUBSCHEMA_MAP_KEYWORDS.has(key) || DEFINITION_KEYWORDS.includes(key)) &&
      isNode(value)
    ) {
      const map: Node = {};
      for (const [name, member] of Object.entries(value))
        setOwnKey(map, name, walkAllOf(member, [...path, key, name], warn));
      out[key] = map;
    } else {
      setOwnKey(out, key, value);
    }
  }
  return mergeAt(out, path, warn);
}

/**
 * `node` with its `allOf` merged (its members merged already), or as it is, warned of. `shared`
 * for the `allOf` made of a property's definitions in several sides, which the messages name as
 * such (the schema has no `allOf` there).
 */
function mergeAt(node: Node, path: SchemaPath, warn: Warn, shared = false): Node {
  if (!Array.isArray(node['allOf'])) return node;
  const merged = mergeSides(node, path, warn, shared);
  if (typeof merged !== 'string') return merged;
  warn(
    path,
    'allOf',
    `${merged}, so a merge would change what passes: ${shared ? 'it is sent as an allOf of its definitions' : 'the allOf is sent as written'}, though Gemini documents no allOf (only anyOf and oneOf), and the model may not read it (the arguments are still checked against it). Write it as one schema`,
  );
  return node;
}

/** The merged schema, or why the sides cannot be merged without changing what passes. */
function mergeSides(node: Node, path: SchemaPath, warn: Warn, shared: boolean): Node | string {
  const { allOf, ...parent } = node;
  const sides: Node[] = [parent];
  const names = ['the schema beside the allOf'];
  const subject = shared
    ? `${formatPath(path)} (defined by more than one allOf member)`
    : `the allOf at ${formatPath(path)}`;
  for (const [index, member] of (allOf as unknown[]).entries()) {
    if (member === true) continue;
    // `false` (or a number) accepts no value: the whole place accepts none.
    if (!isNode(member))
      throw new SchemaConflictError(
        path,
        `${subject} can hold no value: allOf[${index}] is ${JSON.stringify(member)}. Drop it, or make it a schema`,
      );
    sides.push(member);
    names.push(shared ? `definition ${index + 1}` : `allOf[${index}]`);
  }
  for (const [index, side] of sides.entries()) {
    const key = UNMERGED.find((keyword) => Object.hasOwn(side, keyword));
    if (key !== undefined) return `${names[index]} has "${key}"`;
  }
  for (const group of GROUPS) {
    const holders = sides.flatMap((side, index) =>
      group.some((keyword) => Object.hasOwn(side, keyword)) ? [names[index]] : [],
    );
    if (holders.length > 1) return `${holders.join(' and ')} each have ${group.join('/')}`;
  }
  const closed = (side: Node) =>
    side['additionalProperties'] !== undefined && side['additionalProperties'] !== true;
  if (sides.some(closed) && sides.some((side) => side['patternProperties'] !== undefined))
    return 'patternProperties beside a side with additionalProperties';
  const refused = checkClosedSides(sides, names, subject, path);
  if (refused !== undefined) return refused;
  const merged: Node = {};
  const properties = new Map<string, unknown[]>();
  for (const side of sides) {
    for (const [key, value] of Object.entries(side)) {
      const existing = merged[key];
      if (key === 'properties' && isNode(value)) {
        merged[key] ??= {};
        for (const [name, schema] of Object.entries(value)) {
          const schemas = properties.get(name);
          if (schemas === undefined) properties.set(name, [schema]);
          else schemas.push(schema);
        }
      } else if (!Object.hasOwn(merged, key)) {
        setOwnKey(merged, key, value);
      } else if (key === 'required' && Array.isArray(existing) && Array.isArray(value)) {
        merged[key] = [...new Set([...existing, ...value])];
      } else if (
        key === 'type' ||
        (key === 'enum' && Array.isArray(existing) && Array.isArray(value))
      ) {
        const shared =
          key === 'type'
            ? intersect(existing, value)
            : sharedValues(existing as unknown[], value as unknown[]);
        if (shared.length === 0) {
          throw new SchemaConflictError(
            path,
            key === 'type'
              ? `${subject} can hold no value: its sides are of types ${JSON.stringify(existing)} and ${JSON.stringify(value)}. Give them one type, or use anyOf if either may be sent`
              : `${subject} can hold no value: its sides' enums share no value. Give them one enum, or use anyOf if either may be sent`,
          );
        }
        merged[key] = key === 'type' && shared.length === 1 ? shared[0] : shared;
      } else if (
        (LOWER_BOUNDS.has(key) || UPPER_BOUNDS.has(key)) &&
        typeof existing === 'number' &&
        typeof value === 'number'
      ) {
        merged[key] = LOWER_BOUNDS.has(key) ? Math.max(existing, value) : Math.min(existing, value);
      } else if (!ANNOTATIONS.has(key) && JSON.stringify(existing) !== JSON.stringify(value)) {
        return `its sides disagree on "${key}"`;
      }
    }
  }
  if (properties.size > 0) {
    const map: Node = {};
    for (const [name, schemas] of properties) {
      const at = [...path, 'properties', name];
      setOwnKey(
        map,
        name,
        schemas.length === 1 ? schemas[0] : mergeAt({ allOf: schemas }, at, warn, true),
      );
    }
    merged['properties'] = map;
  }
  return merged;
}
