import { DBOS } from '@dbos-inc/dbos-sdk';
import type {
  InputGuardrail,
  OutputGuardrail,
  ToolGuardrail,
  ToolGuardrailCall,
} from '@gemloop/core/guardrails';
import {
  type GuardrailContext,
  type Guardrails,
  guardrails as makeGuardrails,
} from '@gemloop/core/guardrails';
import { isDurableRunEnding } from './is-durable-run-ending.ts';
import { toJsonSafe } from './to-json-safe.ts';

type CheckOutcome = { ok: true; verdict: unknown } | { ok: false; name: string; message: string };

/**
 * Runs one guardrail check as a DBOS step: its verdict (or its error's name and message) is
 * recorded, so a replay after a crash hands the recorded verdict back instead of asking a
 * classifier again (a second model call, maybe another answer: another history). A check that
 * threw is rebuilt from the record and thrown again, so it fails closed the same way both times.
 * Outside a workflow the check runs as it is.
 */
async function checkAsStep(
  label: string,
  check: () => unknown,
  wrap: <T>(body: () => Promise<T>) => Promise<T>,
): Promise<unknown> {
  if (DBOS.workflowID === undefined || !DBOS.isInWorkflow()) return check();
  const outcome: CheckOutcome = await DBOS.runStep(
    (): Promise<CheckOutcome> =>
      wrap(async (): Promise<CheckOutcome> => {
        try {
          const verdict = await check();
          return { ok: true, verdict: verdict === undefined ? null : toJsonSafe(verdict) };
        } catch (error) {
          if (isDurableRunEnding(error)) throw error;
          return error instanceof Error
            ? { ok: false, name: error.name, message: error.message }
            : { ok: false, name: 'Error', message: String(error) };
        }
      }),
    { name: `gemloop.guardrail:${label}` },
  );
  if (outcome.ok) return outcome.verdict;
  const error = new Error(outcome.message);
  error.name = outcome.name;
  throw error;
}

/**
 * The agent's guardrails with every check a recorded step (see {@link checkAsStep}), named by
 * the guardrail, its phase and, for tool checks, the call's place. `onToolError` is not a step:
 * it is a pure rewrite of an error that is itself recorded (the tool's step).
 * @internal
 */
export function toDurableGuardrails(
  value: Guardrails | undefined,
  wrap: <T>(body: () => Promise<T>) => Promise<T>,
): Guardrails | undefined {
  if (value === undefined) return undefined;
  const guardrails = value.options;
  const input = guardrails.input?.map(
    (guardrail): InputGuardrail => ({
      ...guardrail,
      check: (value, context: GuardrailContext) =>
        checkAsStep(
          `${guardrail.name}@input`,
          () => guardrail.check(value, context),
          wrap,
        ) as ReturnType<InputGuardrail['check']>,
    }),
  );
  const output = guardrails.output?.map(
    (guardrail): OutputGuardrail => ({
      ...guardrail,
      check: (value, context) =>
        checkAsStep(
          `${guardrail.name}@output`,
          () => guardrail.check(value, context),
          wrap,
        ) as ReturnType<OutputGuardrail['check']>,
    }),
  );
  const place = (call: ToolGuardrailCall): string => `${call.stepNumber}:${call.toolCallId}`;
  const tools = guardrails.tools?.map((guardrail): ToolGuardrail => {
    const { before, after } = guardrail;
    return {
      ...guardrail,
      before:
        before === undefined
          ? undefined
          : (call, context) =>
              checkAsStep(
                `${guardrail.name}@tool-input.${place(call)}`,
                () => before(call, context),
                wrap,
              ) as ReturnType<NonNullable<ToolGuardrail['before']>>,
      after:
        after === undefined
          ? undefined
          : (call, context) =>
              checkAsStep(
                `${guardrail.name}@tool-output.${place(call)}`,
                () => after(call, context),
                wrap,
              ) as ReturnType<NonNullable<ToolGuardrail['after']>>,
    };
  });
  // A new value of the same factory: it keeps the implementation the agent's value carried.
  return makeGuardrails({
    ...guardrails,
    ...(input === undefined ? {} : { input }),
    ...(output === undefined ? {} : { output }),
    ...(tools === undefined ? {} : { tools }),
  });
}
