import { GemloopError } from '../../errors/gemloop-error.ts';
import type { RequiredThoughtSignature } from '../../history/thought-signatures/list-required-thought-signatures.ts';
import type { AgentRunState } from '../../run/agent-result.ts';
import { AgentRunError } from './agent-run-error.ts';

/**
 * The model stopped with `finishReason: 'MISSING_THOUGHT_SIGNATURE'` (`@google/genai` 3.3.0:
 * "Request has at least one thought signature missing"): the history sent lacks a
 * signature the model needs, so asking again with the same history cannot help and the run fails.
 * The fix is in how the history was kept: send each model `Content` back verbatim, every part's
 * `thoughtSignature` included (a store or a translation that drops it breaks the next call).
 * `error.run.contents` is the history so far; `unsigned` lists the function calls in it that
 * Gemini 3 requires to be signed and that are not.
 */
export class MissingThoughtSignatureError extends AgentRunError {
  override readonly code = 'missing-thought-signature';
  /** The wire `finishMessage` of the answer, when the API gave one. */
  readonly finishMessage: string | undefined;
  /** The first function call of each model turn of the active loop that has no signature. */
  readonly unsigned: RequiredThoughtSignature[];

  constructor({
    finishMessage,
    unsigned,
    run,
  }: {
    finishMessage: string | undefined;
    unsigned: RequiredThoughtSignature[];
    run: AgentRunState;
  }) {
    const where = unsigned
      .slice(0, 3)
      .map(({ contentIndex, partIndex }) => `contents[${contentIndex}].parts[${partIndex}]`)
      .join(', ');
    super({
      message:
        `The model stopped with MISSING_THOUGHT_SIGNATURE${finishMessage === undefined ? '' : ` (${finishMessage})`}: ` +
        "the history lacks a thought signature the model needs. Send the model's Content back verbatim, including each part's thoughtSignature " +
        '(keep it through your history store; for history from another model, stripThoughtSignatures lets the agent fill the documented dummy).' +
        (where === ''
          ? ''
          : ` Unsigned function calls: ${where}${unsigned.length > 3 ? ', ...' : ''}.`),
      run,
    });
    this.finishMessage = finishMessage;
    this.unsigned = unsigned;
  }

  static override isInstance(error: unknown): error is MissingThoughtSignatureError {
    return GemloopError.hasCode(error, 'missing-thought-signature');
  }
}
