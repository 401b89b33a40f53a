/**
 * The two tools every contender declares and runs. They are trivial on purpose: what the bench
 * measures is the loop around them.
 */
export const ADD_DESCRIPTION = 'Adds two integers.';
export const MULTIPLY_DESCRIPTION = 'Multiplies two integers.';

/** `add({ a, b })`. */
export function add({ a, b }: { a: number; b: number }): { sum: number } {
  return { sum: a + b };
}

/** `multiply({ a, b })`. */
export function multiply({ a, b }: { a: number; b: number }): { product: number } {
  return { product: a * b };
}

const PARAMETERS = {
  type: 'object',
  properties: { a: { type: 'integer' }, b: { type: 'integer' } },
  required: ['a', 'b'],
  additionalProperties: false,
};

/** The declarations the hand-written loops send (`parametersJsonSchema`, as gemloop does). */
export const FUNCTION_DECLARATIONS = [
  { name: 'add', description: ADD_DESCRIPTION, parametersJsonSchema: PARAMETERS },
  { name: 'multiply', description: MULTIPLY_DESCRIPTION, parametersJsonSchema: PARAMETERS },
];

/** Runs a call by name, for the hand-written loops. */
export function runBenchTool(name: string | undefined, args: unknown): Record<string, unknown> {
  const input = args as { a: number; b: number };
  if (name === 'add') return add(input);
  if (name === 'multiply') return multiply(input);
  return { error: `unknown tool ${String(name)}` };
}
