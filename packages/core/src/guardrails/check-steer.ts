import type {
  GuardrailRunOptions,
  InputCheckResult,
  RunContext,
} from '../agent/run-state/run-context.ts';
import type { Content } from '../wire/content.ts';
import { checkInputGuardrails } from './check-input-guardrails.ts';
import type { InputGuardrail } from './guardrail.ts';
import { guardrailRunOptions } from './guardrail-run-options.ts';

/**
 * A steer through the input guardrails, as the first step checks the run's input: the
 * sequential ones one after the other, then the `runInParallel` ones together on what they
 * left (there is no model call to run them beside: the steer is not sent before they pass).
 * @internal
 */
export async function checkSteer(
  context: RunContext<unknown>,
  content: Content,
  stepNumber: number,
): Promise<InputCheckResult> {
  return checkInputInOrder(
    context.guardrails?.input ?? [],
    content,
    guardrailRunOptions(context, stepNumber),
  );
}

/**
 * A user message through input guardrails: the sequential ones one after the other, then the
 * `runInParallel` ones together on what they left. A steer's check, and a live session's text
 * (which has no run). @internal
 */
export async function checkInputInOrder(
  input: readonly unknown[],
  content: Content,
  options: GuardrailRunOptions,
): Promise<InputCheckResult> {
  const all = input as readonly InputGuardrail[];
  let contents: Content[] = [content];
  let rewritten = false;
  for (const parallel of [false, true]) {
    const guardrails = all.filter((guardrail) => (guardrail.runInParallel === true) === parallel);
    if (guardrails.length === 0) continue;
    const result = await checkInputGuardrails(guardrails, contents, parallel, options);
    if (result.type === 'trip' || result.type === 'aborted') return result;
    if (result.type === 'rewrite') {
      contents = result.contents;
      rewritten = true;
    }
  }
  return rewritten ? { type: 'rewrite', contents } : { type: 'pass' };
}
