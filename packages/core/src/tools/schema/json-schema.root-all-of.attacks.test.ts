import { describe, expect, it } from 'vitest';
import { defineTool } from '../define/define-tool.ts';
import { jsonSchema } from './json-schema.ts';

// tools64's leftover: a JSON Schema tool whose root is an `allOf` of objects was refused with the
// advice for a root that is not an object ("wrap other types in a property, e.g. { type: "object",
// properties: { value: <your schema> } }"), which would make the two objects one field. `allOf` is
// not among the JSON Schema keywords Google documents (js-genai `responseJsonSchema`), so the root
// stays refused (on every platform alike: the merge zod's intersections get is off the loaded path
// in a browser, and it keeps the first side's value where sides disagree, while the validator
// checks both), now with the fix that fits: the sides written as one object.

const sides = {
  allOf: [
    { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    { type: 'object', properties: { days: { type: 'integer' } } },
  ],
};

function refusal(define: () => unknown): string {
  try {
    define();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the schema was accepted');
}

describe('a JSON Schema whose root is an allOf', () => {
  it.each([
    ['jsonSchema()', () => jsonSchema(sides)],
    [
      'defineTool',
      () => defineTool({ name: 'plan_trip', parameters: sides, execute: (args: unknown) => args }),
    ],
  ])('%s: refused with the fix of writing the sides as one object', (_, define) => {
    const message = refusal(define);
    expect(message).toContain('allOf');
    expect(message).toContain('one object schema');
    expect(message).toContain('every side');
    expect(message).not.toContain('wrap other types in a property');
  });

  it("an allOf root's refusal names the tool", () => {
    const message = refusal(() =>
      defineTool({ name: 'plan_trip', parameters: sides, execute: (args: unknown) => args }),
    );
    expect(message).toContain('"plan_trip"');
  });

  it('the same sides written as one object are accepted, and a nested allOf is as before', () => {
    const tool = defineTool({
      name: 'plan_trip',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer' }, trip: sides },
        required: ['city'],
      },
      execute: (args: unknown) => args,
    });
    expect(tool.parseArgs({ city: 'Oslo', days: 2 }).success).toBe(true);
  });
});
