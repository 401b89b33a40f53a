import { readUsageMetadataCounts } from './read-usage-count.ts';
import type { GenerateContentResponse } from './response.ts';

/** The outcome of {@link parseGenerateContentResponse}. */
export type ParseGenerateContentResponseResult =
  | { ok: true; value: GenerateContentResponse }
  | {
      ok: false;
      /** What is wrong, e.g. `must be an array, got string`. */
      message: string;
      /** Where, e.g. `candidates[0].content.parts`; empty for the value itself. */
      path: string;
    };

/**
 * Checks that a parsed JSON value has the shape of a `GenerateContentResponse` (a whole response
 * or one stream chunk), leniently and cheaply: it runs on every stream chunk.
 *
 * Only what gemloop relies on is checked: an object; `candidates` an array of objects;
 * `candidate.index` a number; `content` an object whose `parts` is an array of objects;
 * `text` and `thoughtSignature` strings; `functionCall` an object with a string `name` (absent on
 * Vertex partial-argument fragments) and an object `args`; `usageMetadata` and `promptFeedback`
 * objects. Everything else, unknown fields and unknown enum values included, is kept as data.
 * `null` counts as absent (proto3 JSON writes defaults as `null`).
 *
 * The value is returned as is, never copied or stripped, with one exception: the token counts of
 * `usageMetadata` are read in place into non-negative integers (`readUsageCount`: a digit string
 * becomes its number; a negative, fractional, out-of-range or non-numeric count is removed).
 *
 * @example
 * ```ts
 * const result = parseGenerateContentResponse(JSON.parse(text));
 * if (!result.ok) throw new Error(`${result.path}: ${result.message}`);
 * ```
 */
export function parseGenerateContentResponse(value: unknown): ParseGenerateContentResponseResult {
  if (!isObject(value)) return fail('', 'must be an object', value);
  const response = value as Loose<'candidates' | 'usageMetadata' | 'promptFeedback'>;

  const candidates = response.candidates;
  if (candidates != null) {
    if (!Array.isArray(candidates)) return fail('candidates', 'must be an array', candidates);
    for (let index = 0; index < candidates.length; index++) {
      const problem = checkCandidate(candidates[index]);
      if (problem !== undefined) {
        return { ok: false, message: problem.message, path: `candidates[${index}]${problem.path}` };
      }
    }
  }
  const usageMetadata = response.usageMetadata;
  if (usageMetadata != null) {
    if (!isObject(usageMetadata)) return fail('usageMetadata', 'must be an object', usageMetadata);
    // Read here, once, so every consumer (stop conditions, usage totals, spans, cost) sees sane
    // counts: a negative or string total would otherwise disable `totalTokensExceed`.
    readUsageMetadataCounts(usageMetadata);
  }
  const promptFeedback = response.promptFeedback;
  if (promptFeedback != null && !isObject(promptFeedback)) {
    return fail('promptFeedback', 'must be an object', promptFeedback);
  }
  return { ok: true, value: value as GenerateContentResponse };
}

type Problem = { path: string; message: string };

/** A parsed JSON object seen through the fields checked here. */
type Loose<Key extends string> = { [field in Key]?: unknown };

function checkCandidate(candidate: unknown): Problem | undefined {
  if (!isObject(candidate)) return problem('', 'must be an object', candidate);
  const { index, content } = candidate as Loose<'index' | 'content'>;
  if (index != null && typeof index !== 'number')
    return problem('.index', 'must be a number', index);
  if (content == null) return undefined;
  if (!isObject(content)) return problem('.content', 'must be an object', content);
  const parts = (content as Loose<'parts'>).parts;
  if (parts == null) return undefined;
  if (!Array.isArray(parts)) return problem('.content.parts', 'must be an array', parts);
  for (let index = 0; index < parts.length; index++) {
    const partProblem = checkPart(parts[index]);
    if (partProblem !== undefined) {
      return {
        path: `.content.parts[${index}]${partProblem.path}`,
        message: partProblem.message,
      };
    }
  }
  return undefined;
}

function checkPart(part: unknown): Problem | undefined {
  if (!isObject(part)) return problem('', 'must be an object', part);
  const {
    text,
    thoughtSignature: signature,
    functionCall,
  } = part as Loose<'text' | 'thoughtSignature' | 'functionCall'>;
  if (text != null && typeof text !== 'string') return problem('.text', 'must be a string', text);
  if (signature != null && typeof signature !== 'string') {
    return problem('.thoughtSignature', 'must be a string', signature);
  }
  if (functionCall == null) return undefined;
  if (!isObject(functionCall)) return problem('.functionCall', 'must be an object', functionCall);
  const { name, args } = functionCall as Loose<'name' | 'args'>;
  if (name != null && typeof name !== 'string') {
    return problem('.functionCall.name', 'must be a string', name);
  }
  if (args != null && !isObject(args)) {
    return problem('.functionCall.args', 'must be a JSON object', args);
  }
  return undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function problem(path: string, message: string, actual: unknown): Problem {
  return { path, message: `${message}, got ${describe(actual)}` };
}

function fail(path: string, message: string, actual: unknown): ParseGenerateContentResponseResult {
  return { ok: false, path, message: `${message}, got ${describe(actual)}` };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
