import { validateHistory } from '../history/validate-history.ts';
import type { GuardrailVerdictKind } from '../run/guardrail-check-record.ts';
import { cutText } from '../shared/cut-text.ts';
import type { Content } from '../wire/content.ts';
import { copyForCheck } from './copy-for-check.ts';
import type { InputGuardrail, InputGuardrailValue } from './guardrail.ts';
import type { InputCheckResult } from './guardrail-check-results.ts';
import {
  type CheckedVerdict,
  checkOne,
  failedCheck,
  type GuardrailRunOptions,
  type GuardrailTrip,
  invalidVerdict,
  tripOf,
} from './guardrail-trip.ts';
import { verdictType } from './run-guardrail-check.ts';

export type { InputCheckResult };

/**
 * The text parts (thoughts aside) of the new input, joined with newlines, and the check's own
 * copy of its contents: they may be the caller's objects (a run given a history), which a check
 * that edits them in place must not reach (copy-for-check.ts). @internal
 */
export function inputValueOf(contents: readonly Content[]): InputGuardrailValue {
  const texts: string[] = [];
  for (const content of contents) {
    for (const part of content.parts ?? []) {
      if (typeof part.text === 'string' && part.thought !== true) texts.push(part.text);
    }
  }
  return { text: texts.join('\n'), contents: copyForCheck(contents) as readonly Content[] };
}

function toContents(input: unknown): Content[] | undefined {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ text: input }] }];
  if (
    Array.isArray(input) &&
    input.length > 0 &&
    input.every(
      (content) =>
        typeof content === 'object' &&
        content !== null &&
        Array.isArray((content as { parts?: unknown }).parts),
    )
  )
    return [...(input as Content[])];
  return undefined;
}

/**
 * Runs input guardrails on the run's new input: one after the other when `parallel` is false (a
 * rewrite is what the next one sees), all at once when true (they see the same input; the first
 * trip in list order wins, and of several rewrites the last in list order). Never throws.
 * @internal
 */
export async function checkInputGuardrails(
  guardrails: readonly InputGuardrail[],
  contents: readonly Content[],
  parallel: boolean,
  options: GuardrailRunOptions,
): Promise<InputCheckResult> {
  let current: readonly Content[] = contents;
  let rewritten = false;
  if (parallel) {
    // Each its own copy: one check's edit in place is not what the others see.
    const checked = await Promise.all(
      guardrails.map((guardrail) =>
        checkOne(guardrail.check, inputValueOf(current), 'input', guardrail.timeoutMs, options),
      ),
    );
    for (let index = 0; index < guardrails.length; index++) {
      const result = settle(
        guardrails[index] as InputGuardrail,
        checked[index] as CheckedVerdict,
        options,
        true,
      );
      if (result.type === 'trip' || result.type === 'aborted') return result;
      if (result.type === 'rewrite') {
        current = result.contents;
        rewritten = true;
      }
    }
  } else {
    for (const guardrail of guardrails) {
      const checked = await checkOne(
        guardrail.check,
        inputValueOf(current),
        'input',
        guardrail.timeoutMs,
        options,
      );
      const result = settle(guardrail, checked, options, false);
      if (result.type === 'trip' || result.type === 'aborted') return result;
      if (result.type === 'rewrite') {
        current = result.contents;
        rewritten = true;
      }
    }
  }
  return rewritten ? { type: 'rewrite', contents: [...current] } : { type: 'pass' };
}

function settle(
  guardrail: InputGuardrail,
  checked: CheckedVerdict,
  options: GuardrailRunOptions,
  parallel: boolean,
): InputCheckResult {
  if (checked.type === 'aborted') return { type: 'aborted' };
  const record = (verdict: GuardrailVerdictKind, tripped: boolean, reason?: string): void =>
    options.record({
      name: guardrail.name,
      phase: 'input',
      stepNumber: options.stepNumber,
      verdict,
      tripped,
      reason,
      parallel,
      startedAt: checked.startedAt,
      endedAt: options.now(),
    });
  const trip = (reason: string): GuardrailTrip => tripOf(guardrail.name, 'input', reason);
  if (checked.type === 'failed') {
    return failedCheck(checked, guardrail.name, 'input', record) ?? { type: 'pass' };
  }
  const { verdict } = checked;
  const type = verdictType(verdict);
  if (type === undefined || type === 'pass') {
    record('pass', false);
    return { type: 'pass' };
  }
  if (type === 'block') {
    const reason = readReason(verdict);
    record('block', true, reason);
    return trip(reason);
  }
  if (type === 'rewrite') {
    const rewritten = toContents((verdict as { input?: unknown }).input);
    if (rewritten !== undefined) {
      const problem = rewriteProblem(rewritten);
      if (problem === undefined) {
        record('rewrite', false);
        return { type: 'rewrite', contents: rewritten };
      }
      const reason = `guardrail "${guardrail.name}" rewrote the input to contents the Gemini API would reject (${problem}), so it failed closed`;
      record('failed', true, reason);
      return trip(reason);
    }
  }
  const reason = invalidVerdict(
    guardrail.name,
    verdict,
    "{ type: 'pass' }, { type: 'block', reason } or { type: 'rewrite', input: string | Content[] }",
  );
  record('failed', true, reason);
  return trip(reason);
}

/**
 * What is wrong with a rewritten input, or `undefined`. The run's new input (and a steer) is the
 * user's turn: a model content, an empty or malformed part or an unpaired function response would
 * reach Gemini unchecked (the run's own input was checked before the guardrail ran) and come back
 * as a 400 naming no guardrail, or leave two model turns in a row in the history.
 */
function rewriteProblem(contents: readonly Content[]): string | undefined {
  const index = contents.findIndex(
    (content) => content.role !== undefined && content.role !== 'user',
  );
  if (index !== -1)
    return `contents[${index}] has role ${JSON.stringify(String(contents[index]?.role))}; a rewritten input is the user's turn, role 'user'`;
  return validateHistory(contents)[0]?.message;
}

/**
 * A block's reason, bounded (it goes into an error message, a span and the run file), never cut
 * inside an emoji (`cutText`): half a pair is no character, and OTLP's protobuf strings must be
 * UTF-8 (attack63a). @internal
 */
export function readReason(verdict: unknown): string {
  const reason = (verdict as { reason?: unknown }).reason;
  if (typeof reason !== 'string' || reason.trim() === '') return 'no reason given';
  return reason.length > 1_000 ? `${cutText(reason, 1_000)}...` : reason;
}
