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
 * Contents a plugin adds to a running run (`PluginRun.addInput`: a steer, a follow-up) through
 * the input guardrails, as the first step checks the run's input: the sequential ones one after
 * the other, then the `runInParallel` ones together on what they left (there is no model call to
 * run them beside: the contents are not sent before they pass).
 * @internal
 */
export async function checkAddedInput(
  context: RunContext<unknown>,
  added: readonly Content[],
  stepNumber: number,
): Promise<InputCheckResult> {
  return checkInputInOrder(
    context.guardrails?.input ?? [],
    added,
    guardrailRunOptions(context, stepNumber),
  );
}

/**
 * User contents through input guardrails: the sequential ones one after the other, then the
 * `runInParallel` ones together on what they left. What a plugin adds to a run, and a live
 * session's text (which has no run). @internal
 */
export async function checkInputInOrder(
  input: readonly unknown[],
  added: readonly Content[],
  options: GuardrailRunOptions,
): Promise<InputCheckResult> {
  const all = input as readonly InputGuardrail[];
  let contents: Content[] = [...added];
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
