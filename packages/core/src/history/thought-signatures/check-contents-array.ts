import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeValue } from '../../options/define-options.ts';
import type { Content } from '../../wire/content.ts';

/**
 * Refuses `contents` that are not an array, for the exported signature helpers: one rule, so
 * `fillMissingThoughtSignatures` and `stripThoughtSignatures` answer the same wrong input alike
 * (the first returned a string or an object as it was, which then went out as the history).
 * @throws {@link InvalidArgumentError} naming `contents`, what was given and what to pass.
 * @internal
 */
export function checkContentsArray(
  contents: unknown,
  functionName: string,
): asserts contents is readonly Content[] {
  if (Array.isArray(contents)) return;
  throw new InvalidArgumentError({
    argument: 'contents',
    message: `${functionName} takes an array of contents; got ${describeValue(contents)}. Pass the contents list itself (such as result.contents), not a message, a turn or a saved object holding it.`,
  });
}
