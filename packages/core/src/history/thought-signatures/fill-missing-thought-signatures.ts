import type { Content, Part } from '../../wire/content.ts';
import { checkContentsArray } from './check-contents-array.ts';
import { listRequiredThoughtSignatures } from './list-required-thought-signatures.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from './thought-signature-bypass.ts';

/** Options of {@link fillMissingThoughtSignatures}. */
export type FillMissingThoughtSignaturesOptions = {
  /** The value to put on unsigned parts. @defaultValue {@link SKIP_THOUGHT_SIGNATURE_VALIDATOR} */
  signature?: string | undefined;
};

/**
 * Adds the documented dummy signature to every first `functionCall` of a model turn in the active
 * loop that has none, so a Gemini 3 model accepts history it did not produce (another vendor's,
 * hand-written, or loaded from storage that dropped signatures). Real signatures are never
 * touched.
 *
 * Copy-on-write: returns `contents` itself when nothing is missing; otherwise a new array in which
 * only the changed contents and parts are new objects. The input is never mutated.
 *
 * @throws {@link InvalidArgumentError} when `contents` is not an array (as
 *   `stripThoughtSignatures` does): returned as it was, a string or an object went out as the
 *   history.
 */
export function fillMissingThoughtSignatures(
  contents: readonly Content[],
  { signature = SKIP_THOUGHT_SIGNATURE_VALIDATOR }: FillMissingThoughtSignaturesOptions = {},
): readonly Content[] {
  checkContentsArray(contents, 'fillMissingThoughtSignatures');
  const missing = listRequiredThoughtSignatures(contents).filter((required) => !required.signed);
  if (missing.length === 0) return contents;
  const filled = contents.slice();
  for (const { contentIndex, partIndex } of missing) {
    const content = filled[contentIndex] as Content;
    const parts = content.parts.slice();
    const part: Part & { thought_signature?: unknown } = { ...parts[partIndex] };
    // An empty snake_case field next to the camelCase one would be a duplicate proto field.
    delete part.thought_signature;
    part.thoughtSignature = signature;
    parts[partIndex] = part;
    filled[contentIndex] = { ...content, parts };
  }
  return filled;
}
