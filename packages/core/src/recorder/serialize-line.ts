import { cutText, cutTextNoted } from '../shared/cut-text.ts';
import type { MediaOnce } from './create-media-once.ts';
import {
  MAX_END_ERROR_CHARS,
  MAX_FULL_RUN_START_BYTES,
  MAX_RECORDED_NAME_CHARS,
  type RecordedFidelity,
  type RecordedRunLine,
} from './recorded-run.ts';

// Media bytes and thought signatures are opaque and large; the viewer shows their size instead.
export const LONG_OPAQUE = 2048;

/**
 * A line as JSON, each opaque value longer than `limit` characters shortened to a placeholder
 * readers recognise (`@gemloop/evals` lists them as what a replay could not reproduce). With
 * `media` (a full recording's run), media kept whole is written once per file: a later copy
 * becomes a reference (create-media-once.ts).
 */
export function serializeLine(
  line: RecordedRunLine,
  limit: number,
  fidelity: RecordedFidelity,
  media?: MediaOnce | undefined,
): string {
  return JSON.stringify(line, function (this: unknown, key, value: unknown) {
    const opaqueMedia = typeof value === 'string' && key === 'data' && isMedia(this);
    if (
      typeof value === 'string' &&
      (key === 'thoughtSignature' || opaqueMedia) &&
      // Full fidelity's limit is bytes as written (base64 is one a character); the default's
      // is characters, as it always was.
      (fidelity === 'full' ? Buffer.byteLength(value) > limit : value.length > limit)
    )
      return fidelity === 'full'
        ? `[${value.length} characters omitted: past maxOpaqueBytes]`
        : `[${value.length} characters omitted]`;
    if (opaqueMedia && media !== undefined) return media.place(value as string);
    if (typeof value === 'bigint') return value.toString();
    if ((key === 'functionCall' || key === 'functionResponse') && isObject(value))
      return boundCallNames(value, limit, fidelity);
    return value;
  });
}

/**
 * A function call or response of a request or response line with its `name` and `id` bounded
 * (itself when both fit). Only a call of a tool the run does not have is cut: a declared tool's
 * name is at most 128 characters (check-tool-name.ts) and Gemini's ids are 8. The model names
 * that call, and a 2 MB name or id was written in the response that made it and twice in the next
 * request (the call echoed, the response naming it; toolname41). Shortened: cut past
 * `MAX_RECORDED_NAME_CHARS` with a note, still no tool's name, so a replay answers it as
 * unknown again. Full: kept whole up to `maxOpaqueBytes`, as an opaque value is.
 */
function boundCallNames(
  call: Record<string, unknown>,
  limit: number,
  fidelity: RecordedFidelity,
): Record<string, unknown> {
  let bounded = call;
  for (const field of ['name', 'id'] as const) {
    const value = call[field];
    if (typeof value !== 'string') continue;
    const cut =
      fidelity === 'full'
        ? Buffer.byteLength(value) > limit
          ? `[${value.length} characters omitted: past maxOpaqueBytes]`
          : value
        : cutTextNoted(value, MAX_RECORDED_NAME_CHARS);
    if (cut !== value) bounded = { ...bounded, [field]: cut };
  }
  return bounded;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether the object holding a `data` field is media (a Blob: `{ mimeType, data }`, base64), not
 * a plugin line's report or a tool's own `data` field, which are text to keep.
 */
function isMedia(holder: unknown): boolean {
  return (
    typeof holder === 'object' &&
    holder !== null &&
    typeof (holder as { mimeType?: unknown }).mimeType === 'string'
  );
}

/**
 * The run-start line. Full fidelity keeps the input whole only while the line stays short
 * enough for the viewer's list (it reads a file's first line, at most 64 KiB); the input is
 * whole again in the first request, which is what a replay sends.
 */
export function startLine(
  line: Extract<RecordedRunLine, { type: 'run-start' }>,
  serialize: (line: RecordedRunLine) => string,
): string {
  const text = `${serialize(line)}\n`;
  if (line.fidelity !== 'full' || Buffer.byteLength(text) <= MAX_FULL_RUN_START_BYTES) return text;
  return `${serializeLine(line, LONG_OPAQUE, 'shortened')}\n`;
}

/**
 * A closing line past maxRunBytes: how the run ended, without the answer's text, and with the
 * error's message cut (it may quote anything a hook threw: megabytes past the run's limit).
 */
export function endLine(
  line: Extract<RecordedRunLine, { type: 'run-end' }>,
  serialize: (line: RecordedRunLine) => string,
): string {
  const error = line.error;
  const message = error?.message ?? '';
  return `${serialize({
    ...line,
    text: undefined,
    ...(error === undefined || message.length <= MAX_END_ERROR_CHARS
      ? {}
      : {
          error: {
            ...error,
            message: `${cutText(message, MAX_END_ERROR_CHARS)}… [${message.length - MAX_END_ERROR_CHARS} characters omitted: past maxRunBytes]`,
          },
        }),
  })}\n`;
}
