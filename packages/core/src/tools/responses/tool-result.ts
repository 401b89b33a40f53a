import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeValue } from '../../options/define-options.ts';
import { bytesToBase64 } from '../../shared/bytes-to-base64.ts';
import type { FunctionResponsePart } from '../../wire/content.ts';
import { formatPath } from '../schema/inline-refs.ts';
import type { ToolResultWithParts } from '../tool.ts';
import { requireObject } from './require-object.ts';
import { NotJsonError, toJsonValue } from './to-json-value.ts';

/** A media file returned by a tool: raw bytes or a base64 string, and its MIME type. */
export type ToolResultMedia = {
  /** e.g. `image/png`, `image/jpeg`, `image/webp`, `application/pdf`, `text/plain`. */
  mimeType: string;
  /** The bytes, or their base64 encoding. */
  data: Uint8Array | ArrayBuffer | string;
};

/** The options of {@link toolResult}. */
export type ToolResultOptions = {
  /** The whole `functionResponse.response` object. Give this or `output`, not both. */
  response?: Record<string, unknown> | undefined;
  /** A JSON value sent as `{ output: value }`, Gemini's documented key for a function's output. */
  output?: unknown;
  /** Media sent as `functionResponse.parts` (Gemini 3; the agent moves them for older models). */
  parts?: readonly (ToolResultMedia | FunctionResponsePart)[] | undefined;
};

// Parameters after `;` without control characters (a header's CR LF), and no more than 255 in all.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const mimeTypePattern = /^[\w.+-]+\/[\w.+-]+(?:[ \t]*;[^\0-\x1f\x7f]*)?$/;
const base64Pattern = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * A tool result with media (an image, a PDF) next to the JSON response. Return it from
 * `execute`. On Gemini 3 the media travel as `functionResponse.parts[].inlineData` (wire doc
 * §5.2); the Gemini API takes `inlineData` only (`fileData` parts are Vertex-only).
 *
 * @example
 * execute: async ({ path }) =>
 *   toolResult({ output: `Rendered ${path}`, parts: [{ mimeType: 'image/png', data: await render(path) }] })
 *
 * Only a value this function made sends its `parts` as media: a copy (a spread such as
 * `{ ...result, response: redacted }`, `structuredClone`, JSON read back) is the tool's data, sent as
 * its JSON response. A plugin's `afterToolCall` or a tool guardrail's `replace` that rewrites one
 * calls `toolResult()` again: `toolResult({ response: redacted, parts: result.parts })`.
 *
 * @throws {@link InvalidArgumentError} when both `response` and `output` are given, a value is not
 * JSON, or a part has no valid MIME type or base64 data.
 */
export function toolResult(options: ToolResultOptions): ToolResultWithParts {
  requireObject(
    options,
    'options',
    'toolResult() takes { response } or { output }, with media in parts',
  );
  const { response, output, parts = [] } = options;
  if (response !== undefined && output !== undefined) {
    throw new InvalidArgumentError({
      argument: 'response',
      message:
        'toolResult takes response or output, not both: output is sent as { output }, response as it is.',
    });
  }
  let json: Record<string, unknown> = {};
  if (response !== undefined) {
    if (typeof response !== 'object' || response === null || Array.isArray(response)) {
      throw new InvalidArgumentError({
        argument: 'response',
        message: 'toolResult({ response }) must be a JSON object; use output for other values.',
      });
    }
    json = checkedJson(response, 'response') as Record<string, unknown>;
  } else if (output !== undefined) {
    json = { output: checkedJson(output, 'output') };
  }
  if (!Array.isArray(parts)) {
    throw new InvalidArgumentError({
      argument: 'parts',
      message: 'toolResult({ parts }) must be an array.',
    });
  }
  const wireParts = parts.map((part, index) => toWirePart(part, index));
  return branded(json, wireParts);
}

/**
 * The mark `toolResult()` puts on its value: an own property that is not enumerable, which no
 * data can carry (`JSON.parse` and `structuredClone` make enumerable properties only, a spread
 * copies those alone), so a tool's data in the same shape (an API's answer, a database row) is
 * not taken for media to send (toolresult45). A string key, not a symbol: a second copy of this
 * package (a nested install) makes the same mark, with no registry. Not enumerable, so
 * `JSON.stringify` and `toEqual` see the value as before.
 */
const MADE_BY_TOOL_RESULT = 'madeByToolResult';

/** `toolResult()`'s frozen value, marked as its own. */
function branded(
  response: Record<string, unknown>,
  parts: FunctionResponsePart[],
): ToolResultWithParts {
  const value = { kind: 'tool-result' as const, response, parts };
  Object.defineProperty(value, MADE_BY_TOOL_RESULT, { value: true });
  return Object.freeze(value);
}

/**
 * Whether `value` was made by {@link toolResult} (its mark, an own non-enumerable property no data
 * can carry) and still has its shape. A plain object of the same shape is the tool's data: a
 * tool that hands on an API's answer, a stored row or a file `{ kind: 'tool-result', response,
 * parts }` has it sent as its JSON response, never its `parts` as media (toolresult45). A copy
 * (a spread, `structuredClone`, JSON read back from a store) is data too: gemloop's own stores
 * (a durable run's record, the tool-result cache, a run recording) keep the mark beside the value
 * and make it again. Its parts must be media parts, each `inlineData` or `fileData` and nothing
 * else (all a function response's parts may hold; attack-core7).
 */
export function isToolResultWithParts(value: unknown): value is ToolResultWithParts {
  return (
    hasToolResultShape(value) &&
    Object.getOwnPropertyDescriptor(value, MADE_BY_TOOL_RESULT)?.enumerable === false
  );
}

/**
 * Whether `value` has {@link toolResult}'s shape, mark or not: what gemloop took for one before
 * the mark, so a record written then (a durable run's row, a recording, a cached entry) is read
 * as it was meant. Its parts are media parts only (attack-core7). @internal
 */
export function hasToolResultShape(value: unknown): value is ToolResultWithParts {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ToolResultWithParts>;
  return (
    candidate.kind === 'tool-result' &&
    Array.isArray(candidate.parts) &&
    candidate.parts.every((part: object | null) => {
      const keys = Object.keys(part ?? 0);
      return keys.length > 0 && keys.every((key) => key === 'inlineData' || key === 'fileData');
    }) &&
    typeof candidate.response === 'object' &&
    candidate.response !== null
  );
}

/**
 * A value of {@link toolResult}'s shape read back from a store that recorded it as one, marked
 * again: its response and parts as stored, unchecked (a record of an older version may hold
 * parts `toolResult()` refuses, or a recording's shortened media, and was sent as it is). @internal
 */
export function remadeToolResult(value: ToolResultWithParts): ToolResultWithParts {
  return branded(value.response, value.parts as FunctionResponsePart[]);
}

function checkedJson(value: unknown, argument: string): unknown {
  try {
    return toJsonValue(value);
  } catch (error) {
    if (!(error instanceof NotJsonError)) throw error;
    const where = error.path.length === 0 ? argument : `${argument}.${formatPath(error.path)}`;
    throw new InvalidArgumentError({
      argument: where,
      message: `toolResult: ${where} is not JSON: ${error.message}.`,
    });
  }
}

function checkMimeType(mimeType: unknown, argument: string): void {
  if (typeof mimeType !== 'string' || mimeType.length > 255 || !mimeTypePattern.test(mimeType)) {
    throw new InvalidArgumentError({
      argument: `${argument}.mimeType`,
      message: `toolResult: ${argument}.mimeType must be a MIME type such as "image/png", got ${describeValue(mimeType)}.`,
    });
  }
}

function toWirePart(
  part: ToolResultMedia | FunctionResponsePart,
  index: number,
): FunctionResponsePart {
  const argument = `parts[${index}]`;
  if (typeof part !== 'object' || part === null) {
    throw new InvalidArgumentError({
      argument,
      message: `toolResult: ${argument} must be { mimeType, data }.`,
    });
  }
  if ('inlineData' in part || 'fileData' in part) {
    // Nothing else: a function response's part holds media only (isToolResultWithParts reads a
    // part with more as data).
    const other = Object.keys(part).find((key) => key !== 'inlineData' && key !== 'fileData');
    if (other !== undefined) {
      throw new InvalidArgumentError({
        argument: `${argument}.${other}`,
        message: `toolResult: ${argument} holds inlineData or fileData and nothing else; remove ${other}.`,
      });
    }
    const media = part.inlineData;
    if (media !== undefined) checkMedia(media.mimeType, media.data, `${argument}.inlineData`);
    const file = part.fileData;
    if (file !== undefined) {
      if (typeof file.fileUri !== 'string') {
        throw new InvalidArgumentError({
          argument: `${argument}.fileData.fileUri`,
          message: `toolResult: ${argument}.fileData needs a fileUri string.`,
        });
      }
      // Optional on a file (the API reads the file's own), but never malformed.
      if (file.mimeType !== undefined) checkMimeType(file.mimeType, `${argument}.fileData`);
    }
    return part;
  }
  const { mimeType, data } = part as ToolResultMedia;
  const base64 =
    typeof data === 'string'
      ? data
      : data instanceof ArrayBuffer
        ? bytesToBase64(new Uint8Array(data))
        : ArrayBuffer.isView(data)
          ? bytesToBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
          : undefined;
  checkMedia(mimeType, base64, argument);
  return { inlineData: { mimeType, data: base64 as string } };
}

function checkMedia(mimeType: unknown, data: unknown, argument: string): void {
  checkMimeType(mimeType, argument);
  if (typeof data !== 'string' || !base64Pattern.test(data)) {
    throw new InvalidArgumentError({
      argument: `${argument}.data`,
      message: `toolResult: ${argument}.data must be bytes (Uint8Array, ArrayBuffer, Buffer) or a base64 string.`,
    });
  }
}
