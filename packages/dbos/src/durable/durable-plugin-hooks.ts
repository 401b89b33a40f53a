import { DBOS } from '@dbos-inc/dbos-sdk';
import type { PluginHookRecorder } from '@gemloop/core/internal';
import { isDurableRunEnding } from './is-durable-run-ending.ts';
import { toJsonSafe } from './to-json-safe.ts';

/** A hook call as the step stores it: its result, or what it threw. */
type HookOutcome = { ok: true; value: unknown } | { ok: false; name: string; message: string };

/**
 * The one durable wrapper of the plugin seam (issue 53, item 5): a plugin hook named in its
 * plugin's `recorded` list runs as one DBOS step, so a replay after a crash gets the recorded
 * result (a verdict, a summary, a fallback's choice) instead of calling the hook again. A hook that
 * threw is rebuilt from the record and thrown again (the run fails the same way both times). No
 * plugin needs code of its own here. Outside a workflow the hook runs as it is.
 * @internal
 */
export const recordPluginHook: PluginHookRecorder = async (name, call) => {
  if (DBOS.workflowID === undefined || !DBOS.isInWorkflow()) return call();
  const outcome: HookOutcome = await DBOS.runStep(
    async (): Promise<HookOutcome> => {
      try {
        const value = await call();
        return { ok: true, value: value === undefined ? null : toJsonSafe(value) };
      } catch (error) {
        if (isDurableRunEnding(error)) throw error;
        return error instanceof Error
          ? { ok: false, name: error.name, message: error.message }
          : { ok: false, name: 'Error', message: String(error) };
      }
    },
    { name: `gemloop.${name}` },
  );
  if (outcome.ok) return outcome.value === null ? undefined : outcome.value;
  const error = new Error(outcome.message);
  error.name = outcome.name;
  throw error;
};
