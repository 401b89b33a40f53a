import { checkInputInOrder } from './check-added-input.ts';
import { appliesTo, checkToolInput, checkToolOutput } from './check-tool-guardrails.ts';
import { type ComposedGuardrails, composeGuardrails } from './compose-guardrails.ts';
import type { GuardrailOptions } from './guardrail-options.ts';

/**
 * What a Live session (`@gemloop/core/live`) checks with: the value's options as one level (the
 * input checks, the tool checks, their time limit and the tool-error rewrite) and the
 * guardrails' own checks. The value `guardrails()` makes carries {@link liveGuardrails}, so a
 * Live app without guardrails bundles none of this. @internal
 */
export type LiveGuardrails = {
  readonly composed: ComposedGuardrails;
  readonly checkInput: typeof checkInputInOrder;
  readonly appliesTo: typeof appliesTo;
  readonly checkToolInput: typeof checkToolInput;
  readonly checkToolOutput: typeof checkToolOutput;
};

/**
 * The checks of a Live session with these guardrails (see {@link LiveGuardrails}); `undefined`
 * when they check nothing. @internal
 */
export function liveGuardrails(options: GuardrailOptions): LiveGuardrails | undefined {
  const composed = composeGuardrails(
    [
      { options, tools: false },
      { options, tools: true },
    ],
    undefined,
  );
  return composed === undefined
    ? undefined
    : { composed, checkInput: checkInputInOrder, appliesTo, checkToolInput, checkToolOutput };
}
