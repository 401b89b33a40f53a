import { DBOS } from '@dbos-inc/dbos-sdk';
import { NOT_AN_ERROR, type PluginHookRecorder, UNREADABLE } from '@gemloop/core/internal';
import { isDurableRunEnding } from '../steps/is-durable-run-ending.ts';
import { type RecordedError, recordedError, thrownFromRecord } from '../steps/recorded-error.ts';
import { runDurableStep } from '../steps/run-durable-step.ts';
import { toJsonSafe } from '../steps/to-json-safe.ts';

/** A hook call as the step stores it: its result, or what it threw (recorded-error.ts). */
type HookOutcome = { ok: true; value: unknown } | RecordedError;

/**
 * The one durable wrapper of the plugin seam (issue 53, item 5): a plugin hook named in its
 * plugin's `recorded` list runs as one DBOS step, so a replay after a crash gets the recorded
 * result (a verdict, a summary, a fallback's choice) instead of calling the hook again. A hook that
 * threw is rebuilt from the record and thrown again, on the first run as on a replay (the run
 * fails the same way both times). No plugin needs code of its own here. Outside a workflow the
 * hook runs as it is.
 *
 * What a hook threw is stored as the run's final error is told (recorded-error.ts): without
 * `keys()`, the keys of the run's clients (asked only when a hook threw), nor URLs, addresses and
 * paths, cut at 1,000 characters, its name and `code` kept. Before, a hook's
 * `lookup failed: postgres://app:pw@10.0.0.5/db (key AIza…)` was in `dbos.operation_outputs` as
 * thrown (redact40). Core stores a plugin's own errors (`ownErrors`) and a reporting hook's
 * failure as the call's value, already without the keys (plugin-hook-calls.ts).
 * @internal
 */
export function createPluginHookRecorder(
  keys: () => readonly string[] = () => [],
): PluginHookRecorder {
  return async (name, call) => {
    if (DBOS.workflowID === undefined || !DBOS.isInWorkflow()) return call();
    // A replay that meets another step than this hook's (the agent's plugins changed between
    // the crash and the recovery) ends the run typed, naming the plugins (replay-mismatch.ts).
    const outcome: HookOutcome = await runDurableStep(
      async (): Promise<HookOutcome> => {
        // A cancelled run does not wait for a slow hook (one that ignores `run.signal`): the step
        // ends with DBOS's cancel signal, and a step that throws once its run is cancelled records
        // nothing (DBOS ends the workflow instead, dbos-executor.js `rethrowIfCancelled`).
        const cancelled = DBOS.stepStatus?.cancelSignal;
        try {
          const value = await untilCancelled(call(), cancelled);
          return { ok: true, value: value === undefined ? null : recordable(value) };
        } catch (error) {
          if (isDurableRunEnding(error) || cancelled?.aborted === true) throw error;
          return recordedError(toldAsThrown(error), keys());
        }
      },
      { name: `gemloop.${name}` },
    );
    if (outcome.ok) return outcome.value === null ? undefined : outcome.value;
    throw thrownFromRecord(outcome);
  };
}

/**
 * The JSON copy of a hook call's outcome that its step stores. What JSON cannot copy (a cycle, a
 * getter that throws) fails the call saying it was the record, not in JSON's words alone, which
 * read as the plugin's own bug in its hook (attack45a).
 */
function recordable(value: unknown): unknown {
  try {
    return toJsonSafe(value);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new TypeError(
      `its result cannot be recorded as JSON (a durable run stores a recorded hook's result as a step; return plain data): ${why}`,
      { cause: error },
    );
  }
}

/** `value`, or a rejection with `signal`'s reason as soon as it aborts (the call goes on, unheard). */
function untilCancelled<T>(value: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return value;
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(signal.reason);
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    value.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

/**
 * What a hook threw, as the record keeps it: an Error or a string as it is (redacted and cut by
 * `recordedError`); anything else in the words a run in process tells it with (`PluginError`):
 * "it threw a value that is not an Error" (`null`, an object: its `String()` is `null` or
 * `[object Object]`, or what its `toString` prints), "it threw a value that cannot be read" (a
 * message getter or a Proxy trap that throws). Before, the durable run's error said `null`,
 * `[object Object]` or nothing where the same plugin in process said what was wrong (attack67c).
 */
function toldAsThrown(thrown: unknown): unknown {
  if (typeof thrown === 'string') return thrown;
  try {
    if (thrown instanceof Error && typeof thrown.message === 'string') return thrown;
  } catch {
    return new Error(UNREADABLE);
  }
  return new Error(NOT_AN_ERROR);
}
