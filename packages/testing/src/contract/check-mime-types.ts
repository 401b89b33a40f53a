import {
  isJsonObject,
  type JsonObject,
  readField,
  readFunctionResponse,
} from '@gemloop/core/internal';
import { type ContractViolation, semantic } from './contract-violation.ts';

// What the API answers for a media part whose MIME type is no `type/subtype` at all: 400
// INVALID_ARGUMENT "Unsupported MIME type: <type>", the type quoted as sent (recorded for `png`
// and `jpeg` in charmbracelet/crush#995, for `image/jpg` in ogkalu2/comic-translate#399). Only
// the malformed are refused: which well-formed types a model reads is the API's, by model and
// over time, and a fake that refused `application/zip` would fail agents the API serves.

/** `type/subtype` at the start (parameters such as `;rate=24000` may follow). */
const WELL_FORMED = /^[^\s/;]+\/[^\s/;]+/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const CONTROL = /[\0-\x1f\x7f]/;

/**
 * The first malformed MIME type (empty, no `/`, a control character) of a part's `inlineData` or
 * `fileData`, or of a function response's media, in either spelling, as the API's 400. `contents`
 * is the request's system instruction followed by its turns: both hold parts the API reads.
 * @internal
 */
export function checkMimeTypes(contents: unknown, violations: ContractViolation[]): void {
  if (!Array.isArray(contents)) return;
  for (const content of contents) {
    const parts = isJsonObject(content) ? content['parts'] : undefined;
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      if (!isJsonObject(part)) continue;
      const response = readFunctionResponse(part);
      const media = isJsonObject(response) ? response['parts'] : undefined;
      for (const item of [part, ...(Array.isArray(media) ? media : [])]) {
        const malformed = isJsonObject(item) ? malformedMimeType(item) : undefined;
        if (malformed !== undefined) {
          violations.push(semantic(`Unsupported MIME type: ${malformed}`));
          return;
        }
      }
    }
  }
}

function malformedMimeType(part: JsonObject): string | undefined {
  for (const [camel, snake] of [
    ['inlineData', 'inline_data'],
    ['fileData', 'file_data'],
  ] as const) {
    const media = readField(part, camel, snake);
    const mimeType = isJsonObject(media) ? readField(media, 'mimeType', 'mime_type') : undefined;
    if (typeof mimeType !== 'string') continue;
    if (!WELL_FORMED.test(mimeType) || CONTROL.test(mimeType)) return mimeType;
  }
  return undefined;
}
