import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Content, Part } from '../wire/content.ts';
import type { GenerateContentBody, GenerateContentRequest } from '../wire/request.ts';
import { checkRequestFields } from './check-request-fields.ts';

/**
 * Builds the JSON body of `generateContent` / `streamGenerateContent` from a request: `contents`
 * as a string becomes one user text turn, `systemInstruction` as a string or parts becomes a
 * Content; everything else (including fields gemloop does not know) is passed on by reference.
 *
 * The history is never copied: the loop sends a growing history on every step, so the body holds
 * the caller's `Content` objects and is serialised once. The checks are cheap, one pass over the
 * turns and their parts, and name the exact place at fault (`contents[3].parts`).
 * @throws {@link InvalidArgumentError} for a request of the wrong shape.
 * @internal
 */
export function buildGenerateContentBody(
  request: GenerateContentRequest,
  argument = 'request',
): GenerateContentBody {
  const { model: _model, contents, systemInstruction, ...rest } = request;
  checkRequestFields(rest, argument);
  const body: GenerateContentBody = {
    ...rest,
    contents: toContents(contents, `${argument}.contents`),
  };
  if (systemInstruction !== undefined) {
    body.systemInstruction = toSystemInstruction(
      systemInstruction,
      `${argument}.systemInstruction`,
    );
  }
  return body;
}

/**
 * `contents` as sent: a string becomes `[{ role: 'user', parts: [{ text }] }]`; an array is checked
 * and returned as is.
 * @internal
 */
export function toContents(contents: unknown, argument: string): Content[] {
  if (typeof contents === 'string') return [{ role: 'user', parts: [{ text: contents }] }];
  if (!Array.isArray(contents)) {
    throw invalid(argument, 'must be a string or an array of Content ({ role, parts })', contents);
  }
  if (contents.length === 0) {
    throw invalid(
      argument,
      'must hold at least one Content (the API rejects an empty conversation)',
      contents,
    );
  }
  for (let index = 0; index < contents.length; index++) {
    checkContent(contents[index], `${argument}[${index}]`);
  }
  return contents as Content[];
}

function toSystemInstruction(value: unknown, argument: string): Content {
  if (typeof value === 'string') return { parts: [{ text: value }] };
  if (Array.isArray(value)) {
    checkParts(value, `${argument}`);
    return { parts: value as Part[] };
  }
  checkContent(value, argument);
  return value as Content;
}

function checkContent(content: unknown, argument: string): void {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw invalid(
      argument,
      "must be a Content object: { role: 'user' | 'model', parts: [...] }",
      content,
    );
  }
  const { role, parts } = content as { role?: unknown; parts?: unknown };
  if (role !== undefined && typeof role !== 'string') {
    throw invalid(`${argument}.role`, "must be 'user' or 'model'", role);
  }
  if (!Array.isArray(parts)) throw invalid(`${argument}.parts`, 'must be an array of parts', parts);
  checkParts(parts, `${argument}.parts`);
}

function checkParts(parts: unknown[], argument: string): void {
  if (parts.length === 0) {
    throw invalid(
      argument,
      'must hold at least one part (the API rejects an empty parts array)',
      parts,
    );
  }
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    if (typeof part !== 'object' || part === null || Array.isArray(part)) {
      throw invalid(`${argument}[${index}]`, 'must be a Part object such as { text: "..." }', part);
    }
  }
}

function invalid(argument: string, problem: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError({
    argument,
    message: `${argument} ${problem}; got ${describe(value)}.`,
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `a string`;
  return typeof value === 'object' ? 'an object' : String(value);
}
