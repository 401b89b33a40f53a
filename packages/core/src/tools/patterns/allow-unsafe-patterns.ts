import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';

/**
 * The property {@link allowUnsafePatterns} sets on a schema. A string, not a symbol: the mark is
 * data on the user's own object, read by the lazy pattern check (`prejudgeSchemaPatterns`), not a
 * registry. Not enumerable, so no converter, `JSON.stringify` or declaration sees it.
 * @internal
 */
export const UNSAFE_PATTERNS_ALLOWED = '~gemloopAllowUnsafePatterns';

/**
 * Marks a schema whose regular expressions you trust: the check that refuses a pattern able to
 * backtrack super-linearly (an {@link UnsafePatternError} before any model call) passes it over,
 * and the patterns run on the model's strings as written. One way to say it for an agent's or a
 * run's `output` and for a tool's `parameters` alike (`defineTool`'s `allowUnsafePatterns: true`
 * does the same for one tool, without touching the schema). Returns the same schema, marked in
 * place with a non-enumerable property: the JSON Schema and the declaration sent to Gemini are
 * unchanged. Marked as a whole, the schema passed as `output`/`parameters` is not checked at all;
 * a marked sub-schema (a field, an array's items, a union's member; zod 4, zod 3 or a JSON Schema
 * object) exempts its own patterns, and the rest of the schema is still checked. A pattern that
 * also stands outside every mark is checked, since that place still meets the model's strings. A
 * zod method that derives a new schema (`.describe()`) returns an unmarked one, so mark the schema
 * you place (`allowUnsafePatterns(z.string().regex(r)).optional()` keeps the mark inside).
 *
 * Trust here means a string the pattern meets is bounded or not steered by anyone: a model's
 * answer can be (a prompt injection), and `^(a+)+$` against 40 characters runs for hours on the
 * process's only thread.
 *
 * @example
 * ```ts
 * import { allowUnsafePatterns } from '@gemloop/core/tools';
 * // zod 3's .emoji() is exponential on a crafted string; accept that for this agent.
 * const agent = createAgent({ gemini, model, output: allowUnsafePatterns(z.object({ mood: z.string().emoji() })) });
 * ```
 * @throws {InvalidArgumentError} when `schema` is not an object, or is frozen (it cannot carry the mark).
 */
export function allowUnsafePatterns<Schema extends object>(schema: Schema): Schema {
  if ((typeof schema !== 'object' && typeof schema !== 'function') || schema === null) {
    throw new InvalidArgumentError({
      argument: 'schema',
      message: `allowUnsafePatterns takes the schema object passed as output or parameters (a zod schema, a Standard Schema or a JSON Schema object), got ${schema === null ? 'null' : typeof schema}.`,
    });
  }
  if (!Object.isExtensible(schema)) {
    throw new InvalidArgumentError({
      argument: 'schema',
      message:
        'allowUnsafePatterns marks the schema object itself, and this one is frozen (or sealed): mark it before freezing it, or pass defineTool the option allowUnsafePatterns: true.',
    });
  }
  Object.defineProperty(schema, UNSAFE_PATTERNS_ALLOWED, { value: true, configurable: true });
  return schema;
}

/**
 * True when `schema` carries the mark of {@link allowUnsafePatterns}.
 * @internal
 */
export function areUnsafePatternsAllowed(schema: unknown): boolean {
  return (
    ((typeof schema === 'object' && schema !== null) || typeof schema === 'function') &&
    (schema as Record<string, unknown>)[UNSAFE_PATTERNS_ALLOWED] === true
  );
}
