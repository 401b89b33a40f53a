import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { setOwnKey } from '../shared/set-own-key.ts';
import type { Content, Part } from '../wire/content.ts';
import type { GenerateContentBody, GenerateContentRequest } from '../wire/request.ts';
import {
  checkRequestMediaResolution,
  partMediaResolutionProblem,
} from './check-media-resolution.ts';
import { checkRequestFields } from './check-request-fields.ts';
import { type ContentJsonCache, sentJson } from './serialize-request-body.ts';

/**
 * Builds the JSON body of `generateContent` / `streamGenerateContent` from a request: `contents`
 * as a string becomes one user text turn, `systemInstruction` as a string or parts becomes a
 * Content; everything else (including fields gemloop does not know) is passed on by reference.
 *
 * The history is never copied: the loop sends a growing history on every step, so the body holds
 * the caller's `Content` objects and is serialised once. The checks are cheap, one pass over the
 * turns and their parts with no allocation, and name the exact place at fault
 * (`contents[3].parts`): names are built only for the error. With a run's `sent` cache, a content
 * the run already sent unchanged is not checked again (it was when first sent): each step of a
 * run checks only the turns it added, so an n-step run does O(n) content checks, not O(n²).
 * @throws {@link InvalidArgumentError} for a request of the wrong shape.
 * @internal
 */
export function buildGenerateContentBody(
  request: GenerateContentRequest,
  argument = 'request',
  sent?: ContentJsonCache | undefined,
): GenerateContentBody {
  // By hand rather than `{ model, contents, systemInstruction, ...rest }` and `{ ...rest, contents }`:
  // on Node 20 an object rest or a spread with added fields costs a microsecond or more, on every
  // request. Same keys, same order: the other fields as given, then contents, systemInstruction.
  const body: Record<string, unknown> = {};
  for (const key in request) {
    if (key === 'model' || key === 'contents' || key === 'systemInstruction') continue;
    // An own `__proto__` key (a request parsed from JSON) stays a field, as any unknown one does
    // (the API refuses it), instead of becoming the body's prototype: its fields would then be
    // read by the checks below as the request's, and never sent.
    if (Object.hasOwn(request, key))
      setOwnKey(body, key, (request as Record<string, unknown>)[key]);
  }
  checkRequestFields(body, argument);
  checkRequestMediaResolution(body, argument);
  // A bare cache id names the cache on the Gemini API as everywhere else gemloop takes one
  // (`caches.get`, Vertex's request): the API reads only `cachedContents/{id}`, and js-genai's
  // tCachedContentName sends the bare id so. Vertex's names were spelled in full before this.
  const cachedContent = body['cachedContent'];
  if (typeof cachedContent === 'string' && cachedContent !== '' && !cachedContent.includes('/')) {
    body['cachedContent'] = `cachedContents/${cachedContent}`;
  }
  body['contents'] = checkContents(request.contents, argument, '.contents', sent);
  const { systemInstruction } = request;
  if (systemInstruction !== undefined) {
    body['systemInstruction'] = toSystemInstruction(systemInstruction, argument);
  }
  return body as GenerateContentBody;
}

/**
 * `contents` as sent: a string becomes `[{ role: 'user', parts: [{ text }] }]`; an array is checked
 * and returned as is.
 * @internal
 */
export function toContents(contents: unknown, argument: string): Content[] {
  return checkContents(contents, argument, '');
}

/**
 * {@link toContents} for the field named `${argument}${suffix}` (built only for an error); the
 * contents `sent` holds unchanged are skipped.
 */
function checkContents(
  contents: unknown,
  argument: string,
  suffix: string,
  sent?: ContentJsonCache | undefined,
): Content[] {
  if (typeof contents === 'string') return [{ role: 'user', parts: [{ text: contents }] }];
  if (!Array.isArray(contents)) {
    throw invalid(
      `${argument}${suffix}`,
      'must be a string or an array of Content ({ role, parts })',
      contents,
    );
  }
  if (contents.length === 0) {
    throw invalid(
      `${argument}${suffix}`,
      'must hold at least one Content (the API rejects an empty conversation)',
      contents,
    );
  }
  // The leading contents found unchanged, and their JSON, go to the serialiser (`sent.checked`).
  if (sent !== undefined) {
    sent.checked = contents;
    sent.prefix.length = 0;
    sent.prefixJson = '';
  }
  for (let index = 0; index < contents.length; index++) {
    const content: unknown = contents[index];
    const json =
      sent !== undefined && typeof content === 'object' && content !== null
        ? sentJson(sent, content)
        : undefined;
    if (json !== undefined) {
      // Still the leading run: every content before it was pushed.
      if (index === (sent as ContentJsonCache).prefix.length) {
        (sent as ContentJsonCache).prefix.push(content as object);
        (sent as ContentJsonCache).prefixJson += index === 0 ? json : `,${json}`;
      }
      continue;
    }
    const problem = contentProblem(content);
    if (problem !== undefined) {
      throw invalid(`${argument}${suffix}[${index}]${problem.at}`, problem.message, problem.value);
    }
  }
  return contents as Content[];
}

function toSystemInstruction(value: unknown, argument: string): Content {
  if (typeof value === 'string') return { parts: [{ text: value }] };
  if (Array.isArray(value)) {
    const problem = partsProblem(value);
    if (problem !== undefined) {
      throw invalid(`${argument}.systemInstruction${problem.at}`, problem.message, problem.value);
    }
    return { parts: value as Part[] };
  }
  const problem = contentProblem(value);
  if (problem !== undefined) {
    throw invalid(`${argument}.systemInstruction${problem.at}`, problem.message, problem.value);
  }
  return value as Content;
}

/** What is wrong with a content: where (relative to it), what, and the value at fault. */
type Problem = { at: string; message: string; value: unknown };

function contentProblem(content: unknown): Problem | undefined {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    return {
      at: '',
      message: "must be a Content object: { role: 'user' | 'model', parts: [...] }",
      value: content,
    };
  }
  const { role, parts } = content as { role?: unknown; parts?: unknown };
  if (role !== undefined && typeof role !== 'string') {
    return { at: '.role', message: "must be 'user' or 'model'", value: role };
  }
  if (!Array.isArray(parts)) {
    return { at: '.parts', message: 'must be an array of parts', value: parts };
  }
  const problem = partsProblem(parts);
  return problem === undefined ? undefined : { ...problem, at: `.parts${problem.at}` };
}

function partsProblem(parts: unknown[]): Problem | undefined {
  if (parts.length === 0) {
    return {
      at: '',
      message: 'must hold at least one part (the API rejects an empty parts array)',
      value: parts,
    };
  }
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    if (typeof part !== 'object' || part === null || Array.isArray(part)) {
      return {
        at: `[${index}]`,
        message: 'must be a Part object such as { text: "..." }',
        value: part,
      };
    }
    const mediaResolution = (part as { mediaResolution?: unknown }).mediaResolution;
    if (mediaResolution !== undefined) {
      const problem = partMediaResolutionProblem(mediaResolution);
      if (problem !== undefined) return { ...problem, at: `[${index}]${problem.at}` };
    }
  }
  return undefined;
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
