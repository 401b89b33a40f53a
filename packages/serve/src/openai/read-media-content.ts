import type { Part } from '@gemloop/core/wire';
import { MediaPartRefusedError } from '../door/media-part-refused-error.ts';
import {
  checkMediaPartCount,
  isMediaPart,
  type MediaKind,
  readMediaPart,
  refuseFileReference,
} from '../door/read-media-part.ts';
import { invalidRequest, type OpenAIRequestError } from './openai-request-error.ts';

// The media parts of a caller's message, as OpenAI's two APIs write them, read into Gemini
// `inlineData` parts (door/read-media-part.ts checks them). Chat Completions: `image_url`
// (`{ url, detail? }`), `input_audio` (`{ data, format }`), `file` (`{ file_data, filename? }`);
// Responses: `input_image` (`image_url`), `input_file` (`file_data`). `detail` is read and left:
// Gemini's per-part `mediaResolution` is for Gemini 3 models only
// (https://ai.google.dev/gemini-api/docs/media-resolution, "per part (Gemini 3 only)"), and a
// door serves agents on any model; the request-wide `mediaResolution` is the agent's generation
// config, not a caller's. `filename` is not sent either: Gemini's `Blob` has no name. A `file_id`
// names a file in OpenAI's store, which this server cannot read: refused, as a remote URL is
// (the door fetches nothing).

/** Chat Completions' media part types in a user message. @internal */
export const CHAT_MEDIA_TYPES: readonly string[] = ['image_url', 'input_audio', 'file'];

/** Responses' media part types in a user message. @internal */
export const RESPONSES_MEDIA_TYPES: readonly string[] = ['input_image', 'input_file'];

/** `input_audio.format` as a MIME type: the two OpenAI's API takes, both Gemini reads. */
const AUDIO_FORMATS: Record<string, string> = { wav: 'audio/wav', mp3: 'audio/mp3' };

/**
 * The part `part` (of type `type`, at `at`) as a Gemini part.
 * @throws {@link OpenAIRequestError} 400 naming the field (`param`) that was wrong.
 * @internal
 */
export function readMediaContent(part: Record<string, unknown>, at: string, type: string): Part {
  return asOpenAIError(() => {
    switch (type) {
      case 'image_url': {
        const image = field(part, 'image_url', at);
        return readMediaPart(
          { url: stringField(image, 'url', `${at}.image_url`) },
          { path: `${at}.image_url.url`, kind: 'image' },
        );
      }
      case 'input_audio': {
        const audio = field(part, 'input_audio', at);
        const format = stringField(audio, 'format', `${at}.input_audio`);
        const mimeType = AUDIO_FORMATS[format];
        if (mimeType === undefined) {
          throw invalidRequest(
            `${at}.input_audio.format`,
            `${at}.input_audio.format must be "wav" or "mp3".`,
            'unsupported_value',
          );
        }
        const data = stringField(audio, 'data', `${at}.input_audio`);
        return readMediaPart({ mimeType, data }, { path: `${at}.input_audio.data`, kind: 'audio' });
      }
      case 'file':
        return readFile(field(part, 'file', at), `${at}.file`, 'file');
      case 'input_image':
        return readFile(part, at, 'image');
      default:
        return readFile(part, at, 'file');
    }
  });
}

/**
 * Refuses `messages` (or `input`) holding more media parts than a request may.
 * @throws {@link OpenAIRequestError} 400 naming `param`.
 * @internal
 */
export function checkMediaCount(
  contents: readonly { parts?: Part[] | undefined }[],
  param: string,
): void {
  let count = 0;
  for (const content of contents) {
    for (const part of content.parts ?? []) if (isMediaPart(part)) count += 1;
  }
  asOpenAIError(() => checkMediaPartCount(count, param));
}

/**
 * A file (Chat Completions' `file`, Responses' `input_file`) or a Responses `input_image`: its
 * data URL (`file_data`, or `image_url` for an image), or a `file_id` (or `file_url`) refused.
 */
function readFile(file: Record<string, unknown>, at: string, kind: MediaKind): Part {
  const urlField = kind === 'image' ? 'image_url' : 'file_data';
  for (const reference of ['file_id', 'file_url']) {
    if (file[reference] !== undefined && file[reference] !== null) {
      if (reference === 'file_url') {
        return readMediaPart(
          { url: stringField(file, reference, at) },
          { path: `${at}.${reference}`, kind },
        );
      }
      refuseFileReference(`${at}.${reference}`);
    }
  }
  return readMediaPart(
    { url: stringField(file, urlField, at) },
    { path: `${at}.${urlField}`, kind },
  );
}

function field(part: Record<string, unknown>, name: string, at: string): Record<string, unknown> {
  const value = part[name];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest(`${at}.${name}`, `${at}.${name} must be an object.`, 'invalid_type');
  }
  return value as Record<string, unknown>;
}

function stringField(object: Record<string, unknown>, name: string, at: string): string {
  const value = object[name];
  if (typeof value !== 'string') {
    throw invalidRequest(
      `${at}.${name}`,
      value === undefined ? `${at}.${name} is required.` : `${at}.${name} must be a string.`,
      value === undefined ? 'missing_required_parameter' : 'invalid_type',
    );
  }
  return value;
}

/** `read()`, its MediaPartRefusedError thrown as the OpenAI error naming the same path. */
function asOpenAIError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!MediaPartRefusedError.isInstance(error)) throw error;
    throw invalidRequest(
      error.path,
      error.message,
      error.fault === 'remote-url' || error.fault === 'file-reference'
        ? 'unsupported_value'
        : 'invalid_value',
    ) satisfies OpenAIRequestError;
  }
}
