import { DBOS } from '@dbos-inc/dbos-sdk';
import { assertStillOwnsWorkflow } from '@dbos-inc/dbos-sdk/datasource';
import { ApiCallError } from '@gemloop/core';
import type { ModelStepReports, StepReport } from '@gemloop/core/internal';
import type { SteerWatch } from '../steering/durable-steering.ts';
import { durableSleep } from './durable-operations.ts';
import { checkReplayedCalls, type RecordedCalls } from './replayed-tool-calls.ts';
import { runDurableStep } from './run-durable-step.ts';

/** @defaultValue of how many server-requested waits (429 with RetryInfo) one model call sleeps through. */
export const DEFAULT_MAX_DURABLE_RETRIES = 5;

/**
 * The longest server-requested wait a model step sleeps through durably: a day. Gemini's quota
 * windows ask for seconds to minutes (a spent daily quota is not retryable at all); a longer
 * RetryInfo or Retry-After comes from a broken or hostile server, and the client now reads even
 * `1e308s` as a delay (285,000 years), which a run must not sleep. Past it the call's error ends
 * the step, and its message says how long the server asked to wait.
 * @internal
 */
export const MAX_DURABLE_SERVER_DELAY_MS: number = 24 * 60 * 60 * 1000;

type StepOutcome<T> =
  // `steer`: whether a steer waited when the call ended (absent: no watch, or an older record).
  // `calls`: present when the response calls functions (absent in records of older versions).
  (
    | { ok: true; value: T; steer?: boolean; calls?: RecordedCalls }
    | { ok: false; retryDelayMs: number; message: string }
  ) & {
    // What the step's model wrappers that are not recorded reported while the call ran (absent:
    // none, or an older record), emitted again on a replay (`ModelStepReports`).
    emitted?: StepReport[];
  };

/**
 * Runs one model call as a DBOS step, whose recorded output is the response exactly as the
 * client returned it (thought signatures, call ids, usage). A replay returns the recorded
 * response and never calls the model again.
 *
 * A 429 (or 503) whose body says how long to wait (RetryInfo) is not slept through in memory:
 * the step records the delay, the workflow sleeps durably (`DBOS.sleepms`, a checkpoint with its
 * wake-up time, so a worker that dies during the wait is replaced by one that wakes at the same
 * time), then the call runs again as a new step.
 *
 * The step body first checks that this execution still owns the run (`assertStillOwnsWorkflow`,
 * `@dbos-inc/dbos-sdk/datasource`): a stale execution throws DBOS's ownership error instead of
 * calling the model.
 * @internal
 */
export async function callModelStep<T>({
  name,
  call,
  maxDurableRetries = DEFAULT_MAX_DURABLE_RETRIES,
  fenced = false,
  steer,
  functions,
  reports,
}: {
  name: string;
  call: () => Promise<T>;
  maxDurableRetries?: number | undefined;
  /**
   * `call` checks ownership itself right before each HTTP attempt (`createModelCalls` with a
   * fence): the check at the step's start would be the same query a moment earlier, with
   * nothing billed in between, so it is skipped (one statement less per model step, issue 35).
   */
  fenced?: boolean | undefined;
  /** Records with the response whether a steer waits, for the next step boundary. */
  steer?: SteerWatch | undefined;
  /**
   * The functions the request declares, and the names the response calls: recorded with a
   * response that calls any, and checked when a replay hands the record back (a tool the
   * recorded run had and this worker lacks ends the run, see replayed-tool-calls.ts).
   */
  functions?: { declared: ReadonlySet<string>; calledOf: (value: T) => string[] } | undefined;
  /**
   * The step's in-step reports (`undefined`: no model wrapper of the run that is not recorded):
   * held until the step knows whether its body runs here, kept with the outcome when it does,
   * the record's emitted instead when it does not (a replay). One call's reports may span
   * several steps (a server-requested wait's, the Interactions API's polls): each step records
   * what was reported since the one before it recorded.
   */
  reports?: ModelStepReports | undefined;
}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    // Set when the body runs here (not when a replay hands back the record).
    let ran = false;
    reports?.waiting();
    const outcome: StepOutcome<T> = await runDurableStep(
      async (): Promise<StepOutcome<T>> => {
        ran = true;
        reports?.running();
        // An execution that lost the run (frozen past the takeover, then thawed) must not make
        // a billed call beside the new owner: DBOS checks ownership only when it records the
        // step, after the call. Thrown outside the try: the execution's end, not the call's.
        if (!fenced) await assertStillOwnsRun();
        let outcome: StepOutcome<T>;
        try {
          const value = await call();
          const calls = recordedCalls(value, functions);
          outcome = {
            ok: true,
            value,
            ...(steer === undefined ? {} : { steer: await steer.probe() }),
            ...(calls === undefined ? {} : { calls }),
          };
        } catch (error) {
          const retryDelayMs = serverDelayOf(error);
          // A thrown call's reports are not kept (its record is the error); a wait the server
          // asked for is recorded as an outcome, which keeps them.
          const emitted = reports?.end();
          if (retryDelayMs !== undefined && attempt < maxDurableRetries) {
            return {
              ok: false,
              retryDelayMs,
              message: (error as Error).message,
              ...(emitted !== undefined && emitted.length > 0 ? { emitted } : {}),
            };
          }
          throw error;
        }
        const emitted = reports?.end();
        if (emitted !== undefined && emitted.length > 0) outcome.emitted = emitted;
        return outcome;
      },
      { name },
    ).catch(tooDeepToRecord);
    // Handed back from the record: the reports the first execution made while the call ran go
    // out where the step returns, instead of the ones this execution made meanwhile.
    if (!ran) reports?.replay(outcome.emitted);
    if (outcome.ok) {
      if (!ran && outcome.calls !== undefined && functions !== undefined) {
        checkReplayedCalls({
          name,
          declared: functions.declared,
          called: functions.calledOf(outcome.value),
          recorded: outcome.calls,
        });
      }
      steer?.note(outcome.steer);
      return outcome.value;
    }
    DBOS.logger.info(
      `${name}: the server asked to wait ${outcome.retryDelayMs} ms; sleeping durably`,
    );
    await durableSleep(outcome.retryDelayMs);
  }
}

/**
 * A stack overflow while the step's answer was recorded said as that: a model or gateway sent a
 * value nested some thousands of levels deep (a call's `args` of 100,000 `[`s is 200 KB), which
 * JSON.stringify cannot write, and the run ended "Maximum call stack size exceeded" (deep47).
 * Any other error goes on as it is. The in-process loop would refuse the same history at its
 * next request ("nested too deeply"); a durable run stops one step earlier, at the record.
 */
function tooDeepToRecord(error: unknown): never {
  if (error instanceof Error && error.name === 'RangeError' && /call stack/i.test(error.message)) {
    throw new TypeError(
      `the model's answer cannot be recorded as JSON: it is nested too deeply (${error.message}). A durable run stores each answer before it goes on; a model or gateway sent a value nested thousands of levels deep, most likely in a function call's arguments`,
      { cause: error },
    );
  }
  throw error;
}

/**
 * Throws DBOS's `DBOSWorkflowConflictError` when the run this code runs in is no longer this
 * execution's (taken over, or cancelled); nothing outside a run. `assertStillOwnsWorkflow`
 * (`@dbos-inc/dbos-sdk/datasource`) compares the execution's token with the run's row: one query.
 * Called at a model step's start and again right before each HTTP attempt (`beforeSend`, see
 * `createModelCalls`), so a retry or an attempt that waited for a slot is checked too.
 * @internal
 */
export async function assertStillOwnsRun(): Promise<void> {
  const workflowId = DBOS.workflowID;
  if (workflowId !== undefined) await assertStillOwnsWorkflow(workflowId);
}

/** What a response that calls functions records beside itself (nothing for one that calls none). */
function recordedCalls<T>(
  value: T,
  functions: { declared: ReadonlySet<string>; calledOf: (value: T) => string[] } | undefined,
): RecordedCalls | undefined {
  if (functions === undefined) return undefined;
  const called = functions.calledOf(value);
  const step = DBOS.stepID;
  if (called.length === 0 || step === undefined) return undefined;
  return { step, undeclared: called.filter((each) => !functions.declared.has(each)) };
}

function serverDelayOf(error: unknown): number | undefined {
  if (!ApiCallError.isInstance(error) || !error.isRetryable) return undefined;
  const delay = error.retryDelayMs;
  return delay !== undefined && delay <= MAX_DURABLE_SERVER_DELAY_MS ? delay : undefined;
}
