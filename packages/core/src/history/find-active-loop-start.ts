import { hasNonEmptyText, isJsonObject, readRole } from './part-fields.ts';

/**
 * The index where the current function-calling loop starts: the content right after the last
 * `user` content that has text. Gemini 3 validates thought signatures only inside this loop
 * ("the first function call in every model turn within the active loop must have a
 * `thoughtSignature`"); signatures of earlier turns are not checked.
 *
 * Returns `0` when no user content has text (the whole history is one loop: the conservative
 * reading) and `contents.length` when the last user text is the last content. Accepts anything:
 * a non-array gives `0`. Reads snake_case (`function_response`) histories the same way.
 *
 * @example
 * findActiveLoopStart([
 *   { role: 'user', parts: [{ text: 'Weather in Paris?' }] }, // 0
 *   { role: 'model', parts: [{ functionCall: { name: 'weather', args: {} } }] }, // 1: loop starts
 *   { role: 'user', parts: [{ functionResponse: { name: 'weather', response: {} } }] },
 * ]) // 1
 */
export function findActiveLoopStart(contents: unknown): number {
  if (!Array.isArray(contents)) return 0;
  for (let index = contents.length - 1; index >= 0; index--) {
    const content: unknown = contents[index];
    if (isJsonObject(content) && readRole(content) === 'user' && hasNonEmptyText(content)) {
      return index + 1;
    }
  }
  return 0;
}
