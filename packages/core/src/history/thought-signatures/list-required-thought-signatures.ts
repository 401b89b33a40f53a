import { findActiveLoopStart } from '../find-active-loop-start.ts';
import { isJsonObject, readFunctionCall, readRole, readThoughtSignature } from '../part-fields.ts';

/** A `functionCall` part that Gemini 3 requires to carry a thought signature. */
export type RequiredThoughtSignature = {
  /** Index of the model content in `contents`. */
  contentIndex: number;
  /** Index of its first `functionCall` part. */
  partIndex: number;
  /** Whether the part has a non-empty signature (real, a documented dummy, or malformed). */
  signed: boolean;
};

/**
 * The parts that must be signed on Gemini 3: the first `functionCall` part of every model turn
 * in the active loop (see `findActiveLoopStart`). Parallel calls are signed on the first
 * call only, so later calls of the same turn are never listed.
 *
 * Never throws; anything that is not a content list gives `[]`.
 */
export function listRequiredThoughtSignatures(contents: unknown): RequiredThoughtSignature[] {
  if (!Array.isArray(contents)) return [];
  const required: RequiredThoughtSignature[] = [];
  for (let index = findActiveLoopStart(contents); index < contents.length; index++) {
    const content: unknown = contents[index];
    if (!isJsonObject(content) || readRole(content) !== 'model') continue;
    const parts = content['parts'];
    if (!Array.isArray(parts)) continue;
    const partIndex = parts.findIndex(
      (part: unknown) => isJsonObject(part) && isJsonObject(readFunctionCall(part)),
    );
    if (partIndex === -1) continue;
    const signature = readThoughtSignature(parts[partIndex] as Record<string, unknown>);
    required.push({
      contentIndex: index,
      partIndex,
      // A present but malformed value is `invalid-thought-signature` in validateHistory, not missing.
      signed: signature !== undefined && signature !== '',
    });
  }
  return required;
}

/**
 * Whether sending `contents` to a Gemini 3 model would fail for a missing thought signature:
 * some model turn of the active loop has an unsigned first `functionCall`.
 */
export function needsThoughtSignature(contents: unknown): boolean {
  return listRequiredThoughtSignatures(contents).some((required) => !required.signed);
}
