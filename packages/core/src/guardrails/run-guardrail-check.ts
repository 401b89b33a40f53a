import { callAtDepth } from '../agent/run-state/run-link.ts';
import { redactLocalDetails } from '../agent/tool-calls/safe-tool-error-message.ts';
import type { GuardrailPhase } from '../run/guardrail-check-record.ts';
import { describeThrown } from '../shared/describe-thrown.ts';
import { MAX_TIMER_MS } from '../shared/max-timer-ms.ts';
import type { Content } from '../wire/content.ts';
import type { GuardrailContext } from './guardrail.ts';

/** How one check went. @internal */
export type GuardrailCheckOutcome =
  | { type: 'verdict'; verdict: unknown }
  | { type: 'threw'; error: unknown }
  | { type: 'timeout'; timeoutMs: number }
  | { type: 'aborted' };

/**
 * Runs one guardrail check within its time limit. Never throws: a check that throws, rejects or
 * hangs is an outcome the caller turns into a trip (fail closed) or a pass (`fail-open`, for a
 * hang only). The check's signal is aborted when the time is up or the run's signal is, so a
 * classifier's model call stops with it.
 * @internal
 */
export function runGuardrailCheck<Value>(
  check: (value: Value, context: GuardrailContext) => unknown,
  value: Value,
  {
    phase,
    agentName,
    contents,
    signal,
    timeoutMs,
    depth,
  }: {
    phase: GuardrailPhase;
    agentName: string | undefined;
    contents: readonly Content[];
    signal: AbortSignal;
    timeoutMs: number;
    /** The guarded run's depth: the check is called at it (`GuardrailRunOptions.depth`). */
    depth: number;
  },
): Promise<GuardrailCheckOutcome> {
  if (signal.aborted) return Promise.resolve({ type: 'aborted' });
  const controller = new AbortController();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: GuardrailCheckOutcome): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', onRunAbort);
      resolve(outcome);
    };
    const onRunAbort = (): void => {
      controller.abort(signal.reason);
      settle({ type: 'aborted' });
    };
    signal.addEventListener('abort', onRunAbort, { once: true });
    const timer =
      timeoutMs <= MAX_TIMER_MS
        ? setTimeout(() => {
            controller.abort(new Error(`guardrail check timed out after ${timeoutMs} ms`));
            settle({ type: 'timeout', timeoutMs });
          }, timeoutMs)
        : undefined;
    try {
      // At the guarded run's depth, each check of a chain alike: the first was reached in its
      // hook's synchronous part, the later ones after an await, where the depth was gone (and a
      // Live session's checks never had it: leftovers53).
      const context = { phase, agentName, signal: controller.signal, contents };
      const result = callAtDepth(depth, (checked: Value) => check(checked, context), value);
      Promise.resolve(result).then(
        (verdict) => settle({ type: 'verdict', verdict }),
        (error: unknown) => settle({ type: 'threw', error }),
      );
    } catch (error) {
      settle({ type: 'threw', error });
    }
  });
}

/** Why a check that did not give a verdict counts as a trip, for the error and the event. @internal */
export function describeCheckFailure(
  outcome: Exclude<GuardrailCheckOutcome, { type: 'verdict' }>,
): string {
  // What a check threw may name the service it called (a classifier's URL with its key, an
  // internal address): the error, its event and its span keep the words, not the machine (issue 52).
  if (outcome.type === 'threw')
    return `the check threw (${redactLocalDetails(describeThrown(outcome.error))}), so it failed closed`;
  if (outcome.type === 'timeout')
    return `the check did not finish within ${outcome.timeoutMs} ms, so it failed closed (guardrails.onTimeout: 'fail-open' lets a hung check pass)`;
  return 'the run was aborted during the check';
}

/** The `type` of a verdict object, or `undefined` for none (`undefined`, `null`). @internal */
export function verdictType(verdict: unknown): string | undefined | false {
  if (verdict === undefined || verdict === null) return undefined;
  if (typeof verdict !== 'object') return false;
  const type = (verdict as { type?: unknown }).type;
  return typeof type === 'string' ? type : false;
}
