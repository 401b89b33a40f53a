import { isJsonObject, readFunctionCall, readFunctionResponse } from '@gemloop/core/internal';
import type { ServedFields } from '../state/served-fields.ts';
import { type ContractViolation, unknownName } from './contract-violation.ts';

// The fields of the proto messages a history is made of, in both JSON spellings. The API parses
// the body against the proto and refuses any other key ("Unknown name ... Cannot find field.");
// free-form Struct fields (args, response) are not checked. Only the fake checks this:
// validateHistory must let a field Google adds later through, since the agent echoes it.
const contentFields = new Set(['role', 'parts']);
const partFields = new Set([
  'text',
  'thought',
  'thoughtSignature',
  'thought_signature',
  'inlineData',
  'inline_data',
  'fileData',
  'file_data',
  'functionCall',
  'function_call',
  'functionResponse',
  'function_response',
  'executableCode',
  'executable_code',
  'codeExecutionResult',
  'code_execution_result',
  'toolCall',
  'tool_call',
  'toolResponse',
  'tool_response',
  'videoMetadata',
  'video_metadata',
  'mediaResolution',
  'media_resolution',
  'partMetadata',
  'part_metadata',
]);
const functionCallFields = new Set([
  'id',
  'name',
  'args',
  'partialArgs',
  'partial_args',
  'willContinue',
  'will_continue',
]);
const functionResponseFields = new Set([
  'id',
  'name',
  'response',
  'parts',
  'willContinue',
  'will_continue',
  'scheduling',
]);
// `FunctionResponsePart` (multimodal function responses, Gemini 3): media only. `@google/genai`
// 2.32's type has `inlineData`, `fileData` and `mediaProcessing` ("not supported in Vertex AI", so
// the Gemini API's); a `text` or `functionCall` there is no field of the message, and the parser
// refuses it as it refuses any unknown key (reference/gemini-wire.md, "Multimodal function
// responses"). Refused here too: a fake that took them hid an agent that sent them.
const functionResponsePartFields = new Set([
  'inlineData',
  'inline_data',
  'fileData',
  'file_data',
  'mediaProcessing',
  'media_processing',
]);

/**
 * Notes the unknown keys of the model Contents in `responses` (what the fake is about to send).
 * @internal
 */
export function noteServedFields(served: ServedFields, responses: readonly unknown[]): void {
  for (const response of responses) {
    const candidates = isJsonObject(response) ? response['candidates'] : undefined;
    if (!Array.isArray(candidates)) continue;
    for (const candidate of candidates) {
      const content = isJsonObject(candidate) ? candidate['content'] : undefined;
      if (!isJsonObject(content)) continue;
      noteUnknown(content, contentFields, served.content);
      const parts = content['parts'];
      if (!Array.isArray(parts)) continue;
      for (const part of parts) {
        if (!isJsonObject(part)) continue;
        noteUnknown(part, partFields, served.part);
        const call = readFunctionCall(part);
        if (isJsonObject(call)) noteUnknown(call, functionCallFields, served.functionCall);
      }
    }
  }
}

function noteUnknown(
  object: Record<string, unknown>,
  known: ReadonlySet<string>,
  into: Set<string>,
) {
  for (const key in object) if (!known.has(key)) into.add(key);
}

/**
 * Unknown keys in contents, parts, function calls, function responses and their media parts; in
 * a model turn, the keys the fake served there are known (`served`).
 * @internal
 */
export function checkMessageFields(
  contents: unknown,
  violations: ContractViolation[],
  served?: ServedFields,
): void {
  if (!Array.isArray(contents)) return;
  contents.forEach((content: unknown, contentIndex) => {
    if (!isJsonObject(content)) return;
    const at = `contents[${contentIndex}]`;
    const own = content['role'] === 'model' ? served : undefined;
    unknownKeys(content, contentFields, at, violations, own?.content);
    const parts = content['parts'];
    if (!Array.isArray(parts)) return;
    parts.forEach((part: unknown, partIndex) => {
      if (!isJsonObject(part)) return;
      const partAt = `${at}.parts[${partIndex}]`;
      unknownKeys(part, partFields, partAt, violations, own?.part);
      const call = readFunctionCall(part);
      if (isJsonObject(call)) {
        const callAt = `${partAt}.function_call`;
        unknownKeys(call, functionCallFields, callAt, violations, own?.functionCall);
      }
      const response = readFunctionResponse(part);
      if (isJsonObject(response)) {
        const responseAt = `${partAt}.function_response`;
        unknownKeys(response, functionResponseFields, responseAt, violations);
        const media = response['parts'];
        if (Array.isArray(media))
          media.forEach((item: unknown, itemIndex) => {
            if (isJsonObject(item))
              unknownKeys(
                item,
                functionResponsePartFields,
                `${responseAt}.parts[${itemIndex}]`,
                violations,
              );
          });
      }
    });
  });
}

function unknownKeys(
  object: Record<string, unknown>,
  known: ReadonlySet<string>,
  path: string,
  violations: ContractViolation[],
  served?: ReadonlySet<string>,
): void {
  for (const key in object) {
    if (!known.has(key) && served?.has(key) !== true) violations.push(unknownName(key, path));
  }
}
