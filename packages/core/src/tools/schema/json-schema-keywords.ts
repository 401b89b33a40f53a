/**
 * The JSON Schema keywords whose values are sub-schemas, shared by everything in gemloop that
 * walks a schema (cleaning, `$ref` inlining, the definition-time check), so that a keyword added
 * here is walked everywhere.
 * @internal
 */

/** Keywords whose value is one sub-schema (`items` too, in its one-schema form). @internal */
export const SUBSCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  'items',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'additionalItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
]);

/** Keywords whose value is a list of sub-schemas (`items` too, in the draft 4-7 tuple form). @internal */
export const SUBSCHEMA_LIST_KEYWORDS: ReadonlySet<string> = new Set([
  'anyOf',
  'oneOf',
  'allOf',
  'prefixItems',
  'items',
]);

/**
 * Keywords whose value maps names to sub-schemas (definitions aside). Draft 4-7's `dependencies`
 * maps a name to a schema or to a list of property names (2019-09 split it into
 * `dependentSchemas` and `dependentRequired`): a walker takes a list there as no schema.
 * @internal
 */
export const SUBSCHEMA_MAP_KEYWORDS: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  'dependentSchemas',
  'dependencies',
]);

/** Keywords that hold the named definitions `$ref`s point to. @internal */
export const DEFINITION_KEYWORDS: readonly string[] = ['$defs', 'definitions'];
