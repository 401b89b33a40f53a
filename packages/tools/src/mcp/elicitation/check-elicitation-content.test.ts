import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { checkElicitationContent } from './check-elicitation-content.ts';
import type { McpElicitationRequest } from './mcp-elicitation.ts';

// An accepted form's values against the server's requestedSchema: the flat primitive schemas of
// MCP's elicitation (string with minLength/maxLength or a choice of enum / oneOf / anyOf consts,
// number and integer with minimum/maximum, boolean, an array of choices), as the function's own
// doc lists them. The schema's names and choices are the server's: hostile.

type FormSchema = Extract<McpElicitationRequest, { mode: 'form' }>['requestedSchema'];
const form = (properties: Record<string, unknown>, required?: string[]): FormSchema =>
  ({ type: 'object', properties, ...(required ? { required } : {}) }) as FormSchema;

function refusal(schema: FormSchema, content: unknown): InvalidArgumentError {
  try {
    checkElicitationContent(schema, content);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('expected an InvalidArgumentError');
}

const booking = form(
  {
    name: { type: 'string', minLength: 2, maxLength: 20 },
    guests: { type: 'integer', minimum: 1, maximum: 8 },
    budget: { type: 'number', minimum: 0 },
    vegan: { type: 'boolean' },
    room: { type: 'string', enum: ['single', 'double'] },
    view: {
      type: 'string',
      oneOf: [
        { const: 'sea', title: 'Sea' },
        { const: 'city', title: 'City' },
      ],
    },
    extras: { type: 'array', items: { anyOf: [{ const: 'spa' }, { const: 'gym' }] }, maxItems: 1 },
  },
  ['name', 'guests'],
);

describe('checkElicitationContent', () => {
  it('returns an answer that fits, optional fields left out', () => {
    const answer = { name: 'Ada', guests: 2, room: 'double', view: 'sea', extras: ['spa'] };
    expect(checkElicitationContent(booking, answer)).toEqual(answer);
  });

  it.each([
    ['content that is no object', ['Ada'], 'content', 'an object of the fields'],
    [
      'a field the form has not',
      { name: 'Ada', guests: 2, admin: true },
      'content.admin',
      'no field "admin"',
    ],
    ['a required field left out', { name: 'Ada' }, 'content.guests', '"guests" is required'],
    ['text that is a number', { name: 42, guests: 2 }, 'content.name', 'must be text'],
    ['text too short', { name: 'A', guests: 2 }, 'content.name', 'at least 2 characters'],
    ['text too long', { name: 'A'.repeat(21), guests: 2 }, 'content.name', 'at most 20 characters'],
    [
      'a whole number with a fraction',
      { name: 'Ada', guests: 2.5 },
      'content.guests',
      'whole number',
    ],
    ['a number as text', { name: 'Ada', guests: '2' }, 'content.guests', 'must be a number'],
    ['a number below the minimum', { name: 'Ada', guests: 0 }, 'content.guests', 'at least 1'],
    ['a number above the maximum', { name: 'Ada', guests: 9 }, 'content.guests', 'at most 8'],
    [
      'a number that is no finite number',
      { name: 'Ada', guests: 2, budget: Number.POSITIVE_INFINITY },
      'content.budget',
      'must be a number',
    ],
    [
      'a boolean as text',
      { name: 'Ada', guests: 2, vegan: 'yes' },
      'content.vegan',
      'true or false',
    ],
    [
      'a choice outside the enum',
      { name: 'Ada', guests: 2, room: 'suite' },
      'content.room',
      'one of "single", "double"',
    ],
    [
      'a choice outside oneOf',
      { name: 'Ada', guests: 2, view: 'garden' },
      'content.view',
      'one of "sea", "city"',
    ],
    [
      'a list item outside anyOf',
      { name: 'Ada', guests: 2, extras: ['pool'] },
      'content.extras',
      'may hold only "spa", "gym"',
    ],
    [
      'a list that is one string',
      { name: 'Ada', guests: 2, extras: 'spa' },
      'content.extras',
      'a list of choices',
    ],
    [
      'more choices than maxItems',
      { name: 'Ada', guests: 2, extras: ['spa', 'gym'] },
      'content.extras',
      'at most 1 choices',
    ],
  ])('refuses %s, naming the field', (_, content, argument, message) => {
    const error = refusal(booking, content);
    expect(error.argument).toBe(argument);
    expect(error.message).toContain(message);
  });

  it('refuses a field type it cannot fill in, naming it', () => {
    const error = refusal(form({ when: { type: 'date' } }), { when: '2026-11-25' });
    expect(error.message).toContain('has a type this client cannot fill in (date)');
  });

  it('reads only the answer’s own fields: Object.prototype names are no answers', () => {
    const schema = form({ toString: { type: 'string' }, constructor: { type: 'boolean' } }, [
      'toString',
    ]);
    // An answer without them: the prototype's toString is not "given".
    expect(refusal(schema, {}).message).toContain('"toString" is required');
    expect(checkElicitationContent(schema, { toString: 'x' })).toEqual({ toString: 'x' });
    // A field the form has not, even one every object inherits, is refused.
    expect(refusal(form({}), JSON.parse('{"__proto__": {"admin": true}}')).argument).toBe(
      'content.__proto__',
    );
  });

  it('cuts a server’s 10,000-character field name and lists a few of 100,000 choices', () => {
    const long = 'f'.repeat(10_000);
    const missing = refusal(form({ [long]: { type: 'string' } }, [long]), {});
    expect(missing.message.length).toBeLessThan(300);
    expect(missing.argument).toBe(`content.${'f'.repeat(100)}…`);
    const many = Array.from({ length: 100_000 }, (_, index) => `choice-${index}`);
    const outside = refusal(form({ pick: { type: 'string', enum: many } }), { pick: 'none' });
    expect(outside.message).toContain('"choice-9" (and 99,990 more)');
    expect(outside.message.length).toBeLessThan(400);
  });
});
