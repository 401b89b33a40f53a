import type { McpElicitationField, McpElicitationValue } from './mcp-elicitation.ts';
import { shown } from './shown.ts';

export type Choice = { value: string; title: string };

/** A field's choices (`enum`, or `oneOf`/`anyOf` of `{ const, title }`), if it has any. */
export function choicesOf(field: {
  enum?: unknown;
  oneOf?: unknown;
  anyOf?: unknown;
}): Choice[] | undefined {
  if (Array.isArray(field.enum)) {
    const names = Array.isArray((field as { enumNames?: unknown }).enumNames)
      ? ((field as { enumNames: unknown[] }).enumNames as unknown[])
      : [];
    return field.enum
      .filter((each): each is string => typeof each === 'string')
      .map((value, index) => ({
        value,
        title: typeof names[index] === 'string' ? `${names[index] as string} (${value})` : value,
      }));
  }
  const listed = Array.isArray(field.oneOf)
    ? field.oneOf
    : Array.isArray(field.anyOf)
      ? field.anyOf
      : undefined;
  return listed
    ?.map((each) => each as { const?: unknown; title?: unknown })
    .filter((each): each is { const: string; title?: unknown } => typeof each.const === 'string')
    .map((each) => ({
      value: each.const,
      title: typeof each.title === 'string' ? `${each.title} (${each.const})` : each.const,
    }));
}

export function hintOf(field: McpElicitationField, hasChoices: boolean): string {
  if (field.type === 'array') return 'numbers or values, comma-separated';
  if (hasChoices) return 'a number or a value';
  if (field.type === 'boolean') return 'y or n';
  if (field.type === 'integer') return 'a whole number';
  if (field.type === 'number') return 'a number';
  return typeof field.format === 'string' ? `text, ${shown(field.format, 40)}` : 'text';
}

/** The typed line as the field's value, or what is wrong with it. */
export function parseField(
  field: McpElicitationField,
  typed: string,
  options: Choice[] | undefined,
): { value: McpElicitationValue } | { problem: string } {
  const pick = (text: string): string | undefined => {
    if (options === undefined) return text;
    const index = /^\d+$/.test(text) ? Number(text) - 1 : -1;
    return options[index]?.value ?? options.find((choice) => choice.value === text)?.value;
  };
  switch (field.type) {
    case 'boolean': {
      const said = typed.toLowerCase();
      if (['y', 'yes', 'true'].includes(said)) return { value: true };
      if (['n', 'no', 'false'].includes(said)) return { value: false };
      return { problem: 'Type y or n.' };
    }
    case 'number':
    case 'integer': {
      const value = Number(typed);
      return Number.isFinite(value) ? { value } : { problem: 'Type a number.' };
    }
    case 'array': {
      const items = typed
        .split(',')
        .map((each) => each.trim())
        .filter((each) => each !== '');
      const values = items.map(pick);
      const unknown = items.find((_, index) => values[index] === undefined);
      return unknown === undefined
        ? { value: values as string[] }
        : { problem: `"${shown(unknown, 100)}" is not one of the choices.` };
    }
    default: {
      const value = pick(typed);
      return value === undefined
        ? { problem: `"${shown(typed, 100)}" is not one of the choices.` }
        : { value };
    }
  }
}
