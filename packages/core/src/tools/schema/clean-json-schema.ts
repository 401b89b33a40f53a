import { setOwnKey } from '../../shared/set-own-key.ts';
import { inlineRefs } from './inline-refs.ts';
import {
  DEFINITION_KEYWORDS,
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from './json-schema-keywords.ts';

type Node = Record<string, unknown>;

/**
 * Keywords removed everywhere, each for a recorded reason:
 * - `title`: Gemini treats `title`s in nested schemas as function names and answers
 *   `MALFORMED_FUNCTION_CALL` (googleapis/python-genai#1732; PrefectHQ/fastmcp#3860: 100% failure
 *   on Gemini 2.5 Flash with titles, none without). pydantic-ai strips it for the same reason
 *   (`GoogleJsonSchemaTransformer`). A *property named* `title` is kept: only the keyword goes.
 * - `$schema`: meta-data the model does not need; a 400 in `parameters` (wire doc §4), and
 *   pydantic-ai drops it for `parametersJsonSchema` too.
 * - `$id`, `$comment`: after inlining there is nothing for `$id` to anchor, and comments are noise.
 * - `discriminator`: an OpenAPI keyword, not JSON Schema; pydantic-ai drops it.
 */
const droppedKeywords = ['title', '$schema', '$id', '$comment', 'discriminator'];

// zod's `.int()` adds the safe-integer bounds: tokens that tell the model nothing.
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Prepares a JSON Schema for `FunctionDeclaration.parametersJsonSchema`. Every change keeps what
 * the schema accepts for any value the model would plausibly send; `parseArgs` validates against
 * the original schema, so nothing is lost in enforcement.
 *
 * - Local `$ref`s are inlined ({@link inlineRefs}): Gemini documents `$ref` for
 *   `responseJsonSchema` but not for `parametersJsonSchema` (wire doc §4: "verify live"), and an
 *   inlined schema is understood everywhere. Recursive refs cannot be inlined and stay.
 * - {@link droppedKeywords} are removed.
 * - `const` becomes a one-value `enum` (with its `type` when absent): `const` is not among the
 *   keywords Gemini lists for JSON Schema (js-genai `responseJsonSchema` docs), and pydantic-ai
 *   rewrites it the same way for `parametersJsonSchema`.
 * - `exclusiveMinimum`/`exclusiveMaximum` become `minimum`/`maximum` (exact for integers: `> 0` is
 *   `>= 1`; inclusive for numbers): they are not in Gemini's keyword list and pydantic-ai removes
 *   them; a bound stated inclusively still guides the model.
 * - zod's safe-integer bounds (`±9007199254740991`) and `propertyNames: { type: 'string' }` (zod 4
 *   records; keys are always strings) are removed as noise.
 * - A draft-07 tuple (`items: [A, B]`, `additionalItems`: zod 3's) is written as 2020-12's
 *   `prefixItems` (zod 4's), and a closed tuple's `items: false` as `maxItems` (`rewriteTuple`).
 * - The root gets `type: 'object'` when missing (or a type list): mode `ANY` fails without it
 *   (googleapis/python-genai#981, livekit/agents#2689).
 * - `additionalProperties` is kept, `false` included: `parametersJsonSchema` accepts it (js-genai's
 *   own `FunctionDeclaration` example has `additionalProperties: false`; pydantic-ai's recorded
 *   requests send it and get 200). Same for `format`, `pattern`, `default`, `examples`,
 *   `anyOf`/`oneOf`: Gemini lists or ignores them, and they tell the model more.
 *
 * The input is not modified.
 */
export function cleanJsonSchema(
  schema: Node,
  { objectRoot = true }: CleanJsonSchemaOptions = {},
): Node {
  const { schema: inlined } = inlineRefs(schema);
  const cleaned = cleanNode(inlined);
  if (objectRoot) {
    const type = cleaned['type'];
    // Arguments always arrive as one object: `['object', 'null']` at the root is just `object`.
    if (type === undefined || (Array.isArray(type) && type.includes('object'))) {
      cleaned['type'] = 'object';
    }
  }
  return cleaned;
}

/** The options of {@link cleanJsonSchema}. */
export type CleanJsonSchemaOptions = {
  /**
   * The schema describes function parameters: its root is made `type: 'object'`. Turn off for a
   * schema whose root may be anything (a `responseJsonSchema`).
   * @defaultValue true
   */
  objectRoot?: boolean | undefined;
};

function cleanNode(schema: Node): Node {
  const out: Node = {};
  for (const [key, value] of Object.entries(schema)) {
    if (droppedKeywords.includes(key)) continue;
    if (SUBSCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map(cleanChild);
    } else if (SUBSCHEMA_KEYWORDS.has(key)) {
      out[key] = cleanChild(value);
    } else if (
      (SUBSCHEMA_MAP_KEYWORDS.has(key) || DEFINITION_KEYWORDS.includes(key)) &&
      isNode(value)
    ) {
      const map: Node = {};
      for (const [name, member] of Object.entries(value)) setOwnKey(map, name, cleanChild(member));
      out[key] = map;
    } else {
      setOwnKey(out, key, value);
    }
  }

  if ('const' in out) {
    const value = out['const'];
    delete out['const'];
    if (!Array.isArray(out['enum'])) out['enum'] = [value];
    out['type'] ??= jsonTypeOf(value);
  }
  rewriteExclusiveBound(out, 'exclusiveMinimum', 'minimum', 1);
  rewriteExclusiveBound(out, 'exclusiveMaximum', 'maximum', -1);
  if (out['minimum'] === -MAX_SAFE) delete out['minimum'];
  if (out['maximum'] === MAX_SAFE) delete out['maximum'];
  rewriteTuple(out);
  const names = out['propertyNames'];
  if (isNode(names) && names['type'] === 'string' && Object.keys(names).length === 1) {
    delete out['propertyNames'];
  }
  return out;
}

/**
 * Writes a tuple in 2020-12's keywords, the ones Gemini lists (`prefixItems`, `items` as one
 * schema, `maxItems`; js-genai `GenerateContentConfig.responseJsonSchema`, wire doc §2.4): zod 3
 * (zod-to-json-schema) and draft-07 schemas write `items: [A, B]` and `additionalItems`, which
 * 2020-12 reads differently (`items` is one schema there), while zod 4 writes `prefixItems`. No
 * recording shows Gemini reading either, so both zod versions now send the one documented form.
 * A closed tuple's `items: false` becomes the `maxItems` it means: a boolean schema is not among
 * the documented forms either.
 */
function rewriteTuple(schema: Node): void {
  if (Array.isArray(schema['items'])) {
    schema['prefixItems'] ??= schema['items'];
    // The rest's schema, `false` for a closed tuple, or none (draft-07 left it open).
    schema['items'] = schema['additionalItems'];
    delete schema['additionalItems'];
    if (schema['items'] === undefined) delete schema['items'];
  }
  const tuple = schema['prefixItems'];
  if (schema['items'] === false && Array.isArray(tuple)) {
    schema['maxItems'] ??= tuple.length;
    delete schema['items'];
  }
}

function cleanChild(value: unknown): unknown {
  return isNode(value) ? cleanNode(value) : value;
}

/**
 * Turns an exclusive bound into an inclusive one. Handles both forms: a number (draft 6+) and a
 * boolean beside `minimum`/`maximum` (draft 4). `direction` is +1 for a lower bound.
 */
function rewriteExclusiveBound(
  schema: Node,
  exclusiveKey: 'exclusiveMinimum' | 'exclusiveMaximum',
  inclusiveKey: 'minimum' | 'maximum',
  direction: 1 | -1,
): void {
  const exclusive = schema[exclusiveKey];
  if (exclusive === undefined) return;
  delete schema[exclusiveKey];
  const bound =
    typeof exclusive === 'number'
      ? exclusive
      : exclusive === true
        ? schema[inclusiveKey]
        : undefined;
  if (typeof bound !== 'number') return;
  const isInteger = schema['type'] === 'integer';
  let inclusive = isInteger
    ? direction === 1
      ? Math.floor(bound) + 1
      : Math.ceil(bound) - 1
    : bound;
  const existing = schema[inclusiveKey];
  if (typeof existing === 'number' && typeof exclusive === 'number') {
    // Both given: the tighter one wins.
    inclusive = direction === 1 ? Math.max(existing, inclusive) : Math.min(existing, inclusive);
  }
  schema[inclusiveKey] = inclusive;
}

/** The JSON Schema `type` of a JSON value. */
export function jsonTypeOf(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  const type = typeof value;
  return ['string', 'number', 'boolean', 'object'].includes(type) ? type : undefined;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
