import type { InputGuardrail, OutputGuardrail } from './guardrail.ts';

/**
 * Whether a stream of a run with these guardrails holds text back (`holdBack`): only when some
 * guardrail judges text before it is sent, the output guardrails (the answer) or input guardrails
 * that run beside the first model call (that call's text). A durable worker writes no text of its
 * own ahead of such a run's events (its streamed preview). @internal
 */
export function holdsTextBack(guardrails: {
  readonly holdBack?: boolean | undefined;
  readonly input?: readonly InputGuardrail[] | undefined;
  readonly output?: readonly OutputGuardrail[] | undefined;
}): boolean {
  return (
    guardrails.holdBack === true &&
    ((guardrails.output?.length ?? 0) > 0 ||
      (guardrails.input ?? []).some((guardrail) => guardrail.runInParallel === true))
  );
}
