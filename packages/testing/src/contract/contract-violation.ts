import { cutText } from '@gemloop/core/internal';
import type { GoogleErrorDetail } from '@gemloop/core/wire';
import { type FakeHttpError, googleError } from '../script/fake-errors.ts';

/**
 * One reason the real API would refuse a request, in the class that decides how the API words
 * and combines it:
 * - `parse`: the JSON does not fit the proto (`Invalid JSON payload received. ...`, `Invalid
 *   value at ...`). All of them are reported, one per line, with a `BadRequest` detail each.
 * - `field`: a field validation (`* GenerateContentRequest.<path>: ...\n`). All are reported.
 * - `semantic`: a rule about the conversation or the model (`Please use a valid role ...`). Only
 *   the first is reported, and only when there are no parse or field violations.
 * @internal
 */
export type ContractViolation =
  | { kind: 'parse'; field: string; description: string }
  | { kind: 'field'; line: string }
  | { kind: 'semantic'; message: string; status?: string | undefined };

/** The error the API would answer for these violations, or `undefined` when there are none. @internal */
export function toContractError(
  violations: readonly ContractViolation[],
): FakeHttpError | undefined {
  if (violations.length === 0) return undefined;
  const parse = violations.filter((violation) => violation.kind === 'parse');
  if (parse.length > 0) {
    const details: GoogleErrorDetail[] = [
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: parse.map(({ field, description }) => ({ field, description })),
      },
    ];
    return googleError(400, parse.map((violation) => violation.description).join('\n'), {
      details,
    });
  }
  const fields = violations.filter((violation) => violation.kind === 'field');
  if (fields.length > 0)
    return googleError(400, fields.map((violation) => violation.line).join(''));
  const first = violations[0] as Extract<ContractViolation, { kind: 'semantic' }>;
  return googleError(400, first.message, { status: first.status });
}

/** `Invalid JSON payload received. Unknown name "<name>" at '<path>': Cannot find field.` @internal */
export function unknownName(name: string, path: string): ContractViolation {
  return {
    kind: 'parse',
    field: path,
    description: `Invalid JSON payload received. Unknown name "${name}" at '${path}': Cannot find field.`,
  };
}

/** A list where the proto has a single message or Struct. @internal */
export function notRepeating(name: string, path: string): ContractViolation {
  return {
    kind: 'parse',
    field: `${path}.${name}`,
    description: `Invalid JSON payload received. Unknown name "${name}" at '${path}': Proto field is not repeating, cannot start list.`,
  };
}

/** A value of the wrong JSON type: `Invalid value at '<path>' (<type>), <value>`. @internal */
export function invalidValue(path: string, type: string, value: unknown): ContractViolation {
  let rendered: string;
  try {
    rendered = JSON.stringify(value) ?? String(value);
  } catch {
    // Nested past the stack: JSON.parse takes a body of 100,000 nested lists, JSON.stringify
    // and String() of it overflow (a 500 of the fake instead of the API's 400).
    rendered = jsonStart(value, 81);
  }
  // Between characters: half an emoji is no character, and the API quotes none.
  if (rendered.length > 80) rendered = `${cutText(rendered, 80)}...`;
  return {
    kind: 'parse',
    field: path,
    description: `Invalid value at '${path}' (${type}), ${rendered}`,
  };
}

/**
 * The JSON of `value` up to a little past `limit` characters. It recurses one level per
 * character it writes, so no deeper than `limit`, whatever the nesting.
 */
function jsonStart(value: unknown, limit: number): string {
  let text = '';
  const write = (item: unknown): void => {
    if (Array.isArray(item)) {
      text += '[';
      for (let index = 0; index < item.length && text.length <= limit; index++) {
        if (index > 0) text += ',';
        write(item[index]);
      }
      text += ']';
    } else if (typeof item === 'object' && item !== null) {
      text += '{';
      let first = true;
      for (const key in item) {
        if (text.length > limit) break;
        text += `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        write((item as Record<string, unknown>)[key]);
      }
      text += '}';
    } else {
      text += typeof item === 'bigint' ? String(item) : (JSON.stringify(item) ?? String(item));
    }
  };
  write(value);
  return text;
}

/** `* GenerateContentRequest.<path>: <text>\n` @internal */
export function fieldViolation(path: string, text: string): ContractViolation {
  return { kind: 'field', line: `* GenerateContentRequest.${path}: ${text}\n` };
}

/** A rule the API words in one sentence. @internal */
export function semantic(message: string, status?: string): ContractViolation {
  return { kind: 'semantic', message, status };
}
