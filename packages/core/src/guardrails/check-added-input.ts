import type { Content } from '../wire/content.ts';
import { checkInputGuardrails } from './check-input-guardrails.ts';
import type { InputGuardrail } from './guardrail.ts';
import type { GuardrailRunOptions, InputCheckResult } from './guardrail-check-results.ts';

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
