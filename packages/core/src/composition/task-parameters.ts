import type {
  StandardJsonSchemaV1Props,
  StandardSchemaV1,
  StandardSchemaV1Issue,
  StandardSchemaV1Result,
} from '../tools/schema/standard-schema.ts';

/** The JSON Schema of a subagent's default arguments: one instruction in words. */
const TASK_JSON_SCHEMA = {
  type: 'object',
  properties: {
    task: {
      type: 'string',
      description: 'What the subagent should do, with everything it needs to know to do it.',
    },
  },
  required: ['task'],
  additionalProperties: false,
} as const;

/** The JSON type name of a value, as JSON Schema validators name it in their messages. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'bigint' ? 'number' : typeof value;
}

/**
 * Checks `{ task: string }` and nothing else, with the paths and messages the JSON Schema
 * validator gives for the same schema (validate-json-schema-args.ts). The loop hands it an object
 * (resolve-tool-parameters.ts refuses anything else first).
 */
function validateTask(value: unknown): StandardSchemaV1Result<{ task: string }> {
  const args = value as Record<string, unknown>;
  const issues: StandardSchemaV1Issue[] = [];
  if (!Object.hasOwn(args, 'task')) {
    issues.push({ path: ['task'], message: 'Required property is missing.' });
  } else if (typeof args['task'] !== 'string') {
    issues.push({
      path: ['task'],
      message: `Instance type "${jsonType(args['task'])}" is invalid. Expected "string".`,
    });
  }
  for (const key of Object.keys(args)) {
    if (key !== 'task') {
      issues.push({ path: [key], message: 'Unknown property: it is not in the parameter schema.' });
    }
  }
  return issues.length === 0 ? { value: args as { task: string } } : { issues };
}

/**
 * A subagent's default parameters, `{ task: string }`, as a Standard JSON Schema: the same
 * declaration as the JSON Schema above, checked by a few lines of code instead of
 * @cfworker/json-schema, which interprets the schema on every call: ~12 µs of the ~86 µs a
 * subagent call cost over the same child run called by hand (subagent-bench.ts, CPU profiles of
 * 4,000 runs a side), and no zod import.
 */
export const TASK_PARAMETERS: StandardSchemaV1<{ task: string }> & {
  readonly '~standard': StandardJsonSchemaV1Props;
} = {
  '~standard': {
    version: 1,
    vendor: 'gemloop',
    validate: validateTask,
    jsonSchema: { input: () => TASK_JSON_SCHEMA },
  },
};
