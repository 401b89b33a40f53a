import { InvalidArgumentError } from '@gemloop/core';
import { cutText } from '@gemloop/core/internal';
import type { McpElicitationRequest, McpElicitationValue } from './mcp-elicitation.ts';

type FormSchema = Extract<McpElicitationRequest, { mode: 'form' }>['requestedSchema'];

/**
 * Checks the values of an accepted form against the server's `requestedSchema` (the flat
 * primitive schemas of the MCP spec: string with length, format or enum/oneOf; number/integer
 * with bounds; boolean; array of enum strings), so that a page's answer reaches the server only
 * when it fits. @internal
 * @throws {@link InvalidArgumentError} naming the field and what it must be. The server's names
 * and choices are its own (a field name of 10,000 characters, an enum of 100,000 values): the
 * message, which a page is sent (`handleAnswer`'s 400), cuts each name and lists a few choices.
 */
export function checkElicitationContent(
  schema: FormSchema,
  content: unknown,
): { [name: string]: McpElicitationValue } {
  const fail = (field: string, message: string): never => {
    throw new InvalidArgumentError({ argument: `content.${named(field)}`, message });
  };
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new InvalidArgumentError({
      argument: 'content',
      message: 'An accepted form answer has content: an object of the fields the form asks for.',
    });
  }
  const values = content as Record<string, unknown>;
  const properties = schema.properties ?? {};
  for (const name of Object.keys(values)) {
    if (!Object.hasOwn(properties, name)) fail(name, `The form has no field "${named(name)}".`);
  }
  // Own values only: a field named `toString` or `constructor` left out is not Object.prototype's.
  const given = (name: string): unknown => (Object.hasOwn(values, name) ? values[name] : undefined);
  for (const name of schema.required ?? []) {
    if (given(name) === undefined) fail(name, `The field "${named(name)}" is required.`);
  }
  for (const [fieldName, field] of Object.entries(properties)) {
    const value = given(fieldName);
    if (value === undefined) continue;
    const name = named(fieldName);
    const options = choices(field);
    switch (field.type) {
      case 'string': {
        if (typeof value !== 'string') fail(name, `"${name}" must be text.`);
        const text = value as string;
        if (options !== undefined && !options.includes(text))
          fail(name, `"${name}" must be one of ${listed(options)}.`);
        if (typeof field.minLength === 'number' && text.length < field.minLength)
          fail(name, `"${name}" must be at least ${field.minLength} characters.`);
        if (typeof field.maxLength === 'number' && text.length > field.maxLength)
          fail(name, `"${name}" must be at most ${field.maxLength} characters.`);
        break;
      }
      case 'number':
      case 'integer': {
        if (typeof value !== 'number' || !Number.isFinite(value))
          fail(name, `"${name}" must be a number.`);
        if (field.type === 'integer' && !Number.isInteger(value))
          fail(name, `"${name}" must be a whole number.`);
        if (typeof field.minimum === 'number' && (value as number) < field.minimum)
          fail(name, `"${name}" must be at least ${field.minimum}.`);
        if (typeof field.maximum === 'number' && (value as number) > field.maximum)
          fail(name, `"${name}" must be at most ${field.maximum}.`);
        break;
      }
      case 'boolean':
        if (typeof value !== 'boolean') fail(name, `"${name}" must be true or false.`);
        break;
      case 'array': {
        const allowed = choices((field.items ?? {}) as { enum?: unknown; anyOf?: unknown });
        if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
          fail(name, `"${name}" must be a list of choices.`);
        const items = value as string[];
        if (allowed !== undefined && !items.every((item) => allowed.includes(item)))
          fail(name, `"${name}" may hold only ${listed(allowed)}.`);
        if (typeof field.minItems === 'number' && items.length < field.minItems)
          fail(name, `"${name}" needs at least ${field.minItems} choices.`);
        if (typeof field.maxItems === 'number' && items.length > field.maxItems)
          fail(name, `"${name}" takes at most ${field.maxItems} choices.`);
        break;
      }
      default:
        fail(
          name,
          `The field "${name}" has a type this client cannot fill in (${named(String(field.type))}).`,
        );
    }
  }
  return values as { [name: string]: McpElicitationValue };
}

const MAX_NAME_CHARS = 100;
const MAX_LISTED_CHOICES = 10;

/** A server's field name as a message shows it: cut at 100 characters. */
function named(name: string): string {
  const cut = cutText(name, MAX_NAME_CHARS);
  return cut === name ? name : `${cut}…`;
}

/** The first few choices, each cut, and how many more there are. */
function listed(choices: readonly string[]): string {
  const shown = choices.slice(0, MAX_LISTED_CHOICES).map((each) => JSON.stringify(named(each)));
  const more = choices.length - shown.length;
  return more > 0
    ? `${shown.join(', ')} (and ${more.toLocaleString('en-US')} more)`
    : shown.join(', ');
}

/** The allowed values of an enum field (`enum`, or `oneOf`/`anyOf` of `const`s). */
function choices(field: {
  enum?: unknown;
  oneOf?: unknown;
  anyOf?: unknown;
}): string[] | undefined {
  if (Array.isArray(field.enum)) return field.enum.filter((each) => typeof each === 'string');
  const listed = Array.isArray(field.oneOf)
    ? field.oneOf
    : Array.isArray(field.anyOf)
      ? field.anyOf
      : undefined;
  return listed
    ?.map((each) => (each as { const?: unknown }).const)
    .filter((each): each is string => typeof each === 'string');
}
