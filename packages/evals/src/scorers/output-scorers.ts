import type { Scorer } from '../scorer.ts';
import { firstDifference } from './deep-equal.ts';
import { quote } from './text-scorers.ts';

/** The structured output deep-equals `expected.output` (skips a case without it). */
export function outputEquals(): Scorer {
  return {
    name: 'output-equals',
    score({ evalCase, run }) {
      if (evalCase.expected === undefined || !Object.hasOwn(evalCase.expected, 'output')) {
        return undefined;
      }
      const diff = firstDifference(evalCase.expected.output, run.output);
      return {
        scorer: 'output-equals',
        score: diff === undefined ? 1 : 0,
        pass: diff === undefined,
        reason:
          diff === undefined
            ? 'the output equals the expected output'
            : `the output differs at ${diff}: got ${quote(run.output)}`,
      };
    },
  };
}

/** A JSON schema, the subset {@link outputMatchesSchema} checks. */
export type EvalJsonSchema = {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null' | undefined;
  properties?: Record<string, EvalJsonSchema> | undefined;
  required?: string[] | undefined;
  additionalProperties?: boolean | undefined;
  items?: EvalJsonSchema | undefined;
  enum?: unknown[] | undefined;
  minimum?: number | undefined;
  maximum?: number | undefined;
  minItems?: number | undefined;
  maxItems?: number | undefined;
  pattern?: string | undefined;
};

/**
 * The structured output fits `schema` (JSON Schema's `type`, `properties`, `required`,
 * `additionalProperties: false`, `items`, `enum`, `minimum`/`maximum`, `minItems`/`maxItems`,
 * `pattern`): the reason names the first path that does not.
 */
export function outputMatchesSchema(schema: EvalJsonSchema): Scorer {
  return {
    name: 'output-schema',
    score({ run }) {
      const problem = checkSchema(schema, run.output, '$');
      return {
        scorer: 'output-schema',
        score: problem === undefined ? 1 : 0,
        pass: problem === undefined,
        reason: problem ?? 'the output fits the schema',
      };
    },
  };
}

/** The first way `value` breaks `schema`, or `undefined`. */
export function checkSchema(
  schema: EvalJsonSchema,
  value: unknown,
  path: string,
): string | undefined {
  if (
    schema.enum !== undefined &&
    !schema.enum.some((item) => firstDifference(item, value) === undefined)
  ) {
    return `${path} is ${quote(value)}, not one of ${quote(schema.enum)}`;
  }
  const type = schema.type;
  if (
    type !== undefined &&
    typeOf(value) !== type &&
    !(type === 'number' && typeOf(value) === 'integer')
  ) {
    return `${path} should be ${type}, is ${typeOf(value)}`;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      return `${path} is below ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum)
      return `${path} is above ${schema.maximum}`;
  }
  if (
    typeof value === 'string' &&
    schema.pattern !== undefined &&
    !new RegExp(schema.pattern, 'u').test(value)
  ) {
    return `${path} does not match ${schema.pattern}`;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      return `${path} has fewer than ${schema.minItems} items`;
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      return `${path} has more than ${schema.maxItems} items`;
    if (schema.items !== undefined) {
      for (let i = 0; i < value.length; i++) {
        const problem = checkSchema(schema.items, value[i], `${path}[${i}]`);
        if (problem !== undefined) return problem;
      }
    }
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!Object.hasOwn(record, key)) return `${path}.${key} is required`;
    }
    for (const [key, item] of Object.entries(record)) {
      const property =
        schema.properties !== undefined && Object.hasOwn(schema.properties, key)
          ? schema.properties[key]
          : undefined;
      if (property !== undefined) {
        const problem = checkSchema(property, item, `${path}.${key}`);
        if (problem !== undefined) return problem;
      } else if (schema.additionalProperties === false) {
        return `${path}.${key} is not allowed`;
      }
    }
  }
  return undefined;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
