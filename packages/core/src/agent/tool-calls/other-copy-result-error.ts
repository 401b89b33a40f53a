import { InvalidToolResultError } from '../../errors/invalid-tool-result-error.ts';
import { version } from '../../version.ts';
import type { DelegatedResult } from './delegated-result.ts';
import { delegatedVersionOf } from './delegated-result.ts';

/**
 * The refusal of a subagent's (or remote agent's) result made by another *version* of
 * @gemloop/core, as an invalid result (`{ invalid }`, the shape `answerWithResult` refuses in);
 * `undefined` for any other value. A copy of this version's result is read as this copy's
 * (`delegatedResultOf`); another version's fields may differ, and sending its wrapper as the
 * answer would hand the model `{ output, usage, cost }` and count the child's usage twice.
 * @internal
 */
export function otherCopyResultError(
  toolName: string,
  delegated: DelegatedResult | undefined,
  value: unknown,
): { invalid: InvalidToolResultError } | undefined {
  if (delegated !== undefined) return undefined;
  const made = delegatedVersionOf(value);
  if (made === undefined || value instanceof Error) return undefined;
  return {
    invalid: new InvalidToolResultError({
      toolName,
      path: [],
      // Kept short: this is on every app's path (bench/src/bundle-size); the loop's wording adds
      // the tool's name.
      message: `two copies of @gemloop/core (${made}, ${version}); install one version (npm dedupe)`,
    }),
  };
}
