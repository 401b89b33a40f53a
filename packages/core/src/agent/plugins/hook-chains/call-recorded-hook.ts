import type { Content } from '../../../wire/content.ts';
import { GuardrailTrippedError } from '../../errors/guardrail-tripped-error.ts';
import type { AgentPlugin, PluginHookName } from '../agent-plugin.ts';
import { findChangedByRecord, findFunctionResult, findUnrecordable } from '../find-unrecordable.ts';
import { fromStoredHandOff, handOffTo, toStoredHandOff } from '../hand-off/recorded-hand-off.ts';
import { PluginError } from '../plugin-error.ts';
import { type PluginReport, recordName } from '../plugin-results.ts';
import { fromStoredOwnError, toRecordedOwnError } from '../recorded-own-error.ts';
import {
  heldView,
  type PluginRunFacts,
  type PluginRunView,
  tripError,
} from '../run-view/plugin-run-view.ts';
import type { SideSpend } from '../run-view/run-generate.ts';
import { owns } from './hook-failure.ts';
import { toolHookMark, withToolHookMark } from './recorded-tool-value.ts';
import {
  type StoredToolValue,
  toRecordedToolValue,
  withStoredToolValue,
} from './sent-tool-hook-value.ts';
import {
  addStored,
  CHANGED,
  countStored,
  type StoredCall,
  type StoredCallReader,
  storedError,
  storedReports,
} from './stored-call.ts';
import { UNREADABLE_RESULT } from './tool-hook-results.ts';

/** Where a tool hook's call is in its turn: the call's id and its index among the turn's calls. @internal */
export type ToolCallPlace = { readonly id: string; readonly index: number };

/**
 * What a recorded hook's call reads and sets of the run's plugins (`PluginHookCalls`): their
 * views and facts, the `finish` a replay applies (`PluginStop`), the run's abort race, held
 * reports and invalid results. @internal
 */
export type RecordedHookHost = {
  readonly plugins: readonly AgentPlugin[];
  readonly views: readonly PluginRunView[];
  readonly facts: PluginRunFacts;
  stop: { readonly plugin: string; readonly reason: string } | undefined;
  untilAborted<T>(value: T | Promise<T>, hook: PluginHookName): T | Promise<T>;
  atRunDepth<A, T>(body: (argument: A) => T, argument: A): T;
  invalid(index: number, hook: PluginHookName, message: string): PluginError;
  holdReports(
    plugin: string,
    stepNumber: number,
    toolCall: ToolCallPlace,
    reports: readonly PluginReport[],
  ): void;
  emitStored(plugin: string, reports: readonly PluginReport[]): void;
};

/** What a recorded hook's call did in this execution (none of it is stored: see `runRecorded`). */
type RecordedExecution = {
  /** Whether the hook ran here (not a replay). */
  ran: boolean;
  /** Its own error, or its failure after reports, as the run ends with it here. */
  thrown: { error: unknown } | undefined;
  /** Its reports (`run.emit`) made here. */
  readonly reports: PluginReport[];
};

/**
 * A recorded hook's call: run inside the recorder's record (see `runRecorded`) on the
 * first run, its outcome read back from the record on a replay (see `replayOutcome`).
 * Raced against the run's abort twice: the run goes on at once (a recorder's step may not end
 * with it), and the step's own body ends too, so what the recorder keeps of an abandoned call
 * is the abort (a durable recorder keeps nothing of a cancelled run's step).
 */
export async function callRecordedHook<T>(
  calls: RecordedHookHost,
  index: number,
  hook: PluginHookName,
  stepNumber: number,
  body: (run: PluginRunView) => T | Promise<T>,
  toolCall: ToolCallPlace | undefined,
  part: number,
): Promise<{ readonly value: T } | { readonly claimed: { error: unknown } }> {
  const plugin = calls.plugins[index] as AgentPlugin;
  const execution: RecordedExecution = { ran: false, thrown: undefined, reports: [] };
  const recording = calls.facts.record?.(
    recordName(plugin.name, partName(hook, part), stepNumber, toolCall?.id),
    () => runRecorded(calls, index, hook, body, toolCall, execution),
  );
  let stored: StoredCall;
  try {
    stored = (await calls.untilAborted(recording, hook)) as StoredCall;
  } catch (error) {
    // Not recorded (the run ended, the recorder failed): what the tool hook reported in
    // this execution still goes out, with its call's result.
    if (execution.ran && toolCall !== undefined)
      calls.holdReports(plugin.name, stepNumber, toolCall, execution.reports);
    throw error;
  }
  const reader: StoredCallReader = {
    facts: calls.facts,
    invalid: (message) => calls.invalid(index, hook, message),
  };
  // A record is read back from a database: what is not one fails as the hook's invalid
  // result rather than as a TypeError (or worse) further on.
  if (typeof stored !== 'object' || stored === null)
    throw reader.invalid(`its record is not a hook call's record ${CHANGED}`);
  return replayOutcome<T>(calls, index, hook, stepNumber, toolCall, stored, execution, reader);
}

/**
 * The body of a recorded hook's record: the hook called, and what it did that a replay (which
 * does not call it) must do again stored with its result: the contents it added
 * (`run.addInput`), what its `run.generate` calls spent, its reports (`run.emit`), the
 * `finish` it asked for, the state it left (`recordedState`), and a trip, its own error or its
 * failure after reports as data. `execution` notes that it ran and what it threw.
 */
async function runRecorded<T>(
  calls: RecordedHookHost,
  index: number,
  hook: PluginHookName,
  body: (run: PluginRunView) => T | Promise<T>,
  toolCall: ToolCallPlace | undefined,
  execution: RecordedExecution,
): Promise<StoredCall> {
  execution.ran = true;
  const plugin = calls.plugins[index] as AgentPlugin;
  const view = calls.views[index] as PluginRunView;
  const { reports } = execution;
  const before = calls.stop;
  let value: unknown;
  let thrown: Pick<StoredCall, 'trip' | 'own' | 'failed'> = {};
  // What the hook adds to the history (`run.addInput`) is part of its outcome: a replay
  // does not call it, so the record carries the contents that joined (a tool hook's
  // calls run at once, so there `addInput` is refused instead: see PluginRunView).
  const outer = view.adding;
  const added: Content[] = [];
  const outerEmitting = view.emitting;
  // The hook's reports are part of its outcome too: the replay emits them again where they
  // were, so the run's events are the same in number and order as the first run's (a durable
  // runner's stream is indexed by them) and none is lost with a worker killed before writing
  // it. A boundary hook's go out as it makes them; a tool hook's are held for its call's
  // result event.
  const run = toolCall === undefined ? view : heldView(view, reports);
  // What its `run.generate` calls spend is part of its outcome too: a replay counts it
  // again (the run's usage and cost, the tree's budget).
  const outerSpending = view.spending;
  const spent: SideSpend[] = [];
  run.spending = spent;
  if (toolCall === undefined) {
    view.adding = added;
    view.emitting = reports;
  } else view.recordedToolHooks++;
  try {
    // A hand-off is stored by its agent's key (see ../hand-off/recorded-hand-off.ts).
    const made = calls.atRunDepth(body, run);
    // Read as a run in process reads a tool hook's result: a getter or trap that throws on `then`
    // (awaiting reads it) or on its fields is told as such, its own words are not the failure.
    if (!(made instanceof Promise)) readResult(() => (made as { then?: unknown } | null)?.then);
    const returned = await calls.untilAborted(made, hook);
    readResult(() => handOffTo(returned));
    value = toStoredHandOff(returned, calls.facts.services?.handOffAgents);
  } catch (error) {
    thrown = storedThrow(calls, plugin, error, execution);
  } finally {
    if (toolCall === undefined) {
      view.adding = outer;
      view.emitting = outerEmitting;
      view.spending = outerSpending;
    } else {
      view.recordedToolHooks--;
      // What the hook emits later (a timer it left) goes out at once.
      run.holding = undefined;
    }
  }
  // The tool's value a tool hook gives is stored as the tool path sends it (its JSON, or why it
  // cannot be sent: the model is told the tool failed and the run goes on, as in process), so the
  // same plugin gives the same run in process and durable (durable68). Other hooks' values are
  // checked below: a beforeModelCall's result has no failure to tell the model.
  let toolValue: StoredToolValue | undefined;
  if (toolCall !== undefined) {
    ({ value, toolValue } = readResult(() => toRecordedToolValue(hook, value, calls.facts.redact)));
  }
  // A function in the result is dropped by the record's JSON: said here, not later as a result of
  // the wrong shape (a hand-off's agent is already stored by its key above).
  // (A hook that threw has no value.)
  const functionResult = readResult(() => findFunctionResult(value));
  if (functionResult !== undefined)
    throw new TypeError(
      `${functionResult}: it cannot be recorded (a durable run stores a recorded hook's result as JSON, which drops a function; return plain data)`,
    );
  // So is a value JSON keeps as another (a Map as {}, NaN as null): the record's copy is what the
  // run uses, so the model would be told `{}` where the plugin returned a Map, silently
  // (attack67c). Refused here, naming where, on the first run; a replay fails with the record. (A
  // tool hook's tool value is already its JSON or why it cannot be sent, above: this is the rest.)
  const changedResult = findChangedByRecord(value);
  if (changedResult !== undefined)
    throw new TypeError(
      `${changedResult}: it cannot be recorded as it is (a durable run stores a recorded hook's result as JSON, which keeps a Map or Set as {}, a typed array as an object of indexes and NaN or Infinity as null); return plain data: Object.fromEntries(map), [...set], Array.from(bytes), a finite number or null`,
    );
  // The state goes into the record as JSON and its copy comes back (replayOutcome): a value JSON
  // changes is refused here, naming where, rather than found changed by the plugin's next hook.
  const unrecordable =
    plugin.recordedState === true ? findUnrecordable(view.state, 'run.state') : undefined;
  if (unrecordable !== undefined)
    throw new TypeError(
      `${unrecordable}: with recordedState: true a durable run stores run.state as JSON after each recorded call and hands the copy back, so it must be plain JSON data (objects, arrays, strings, finite numbers, booleans, null; a Date as its ISO string, a Set or Map as an array or object)`,
    );
  const finished = calls.stop !== before ? calls.stop : undefined;
  // Whether the tool's value in it was a toolResult(): the record's JSON loses the mark.
  const mark = toolCall === undefined ? undefined : toolHookMark(hook, value);
  return {
    value,
    ...(mark !== undefined && { toolResult: mark }),
    ...(toolValue !== undefined && { toolValue }),
    ...thrown,
    ...(finished !== undefined && { finish: finished.reason }),
    ...(added.length > 0 && { added }),
    ...(spent.length > 0 && { spent }),
    ...(reports.length > 0 && { emitted: reports }),
    // `recordedState`: the state this call left, restored on a replay (replayOutcome).
    ...(plugin.recordedState === true && { state: view.state }),
  };
}

/**
 * What a recorded hook threw, as its record stores it (or thrown again: not stored). A trip
 * is the hook's verdict: stored as data (a recorder keeps a throw as name and message only),
 * thrown again, typed, on the first run and on every replay. So is the plugin's own error
 * (`ownErrors`): the run ends with it, not a PluginError, here and on a replay
 * (../recorded-own-error.ts). And an error nobody claims once the hook reported: the recorder
 * would keep the throw alone, and a replay lose the reports made before it. The run's own end
 * (an abort, a durable runner's) and another run's plugin failure go on as they are. Both
 * errors are kept without local details (`toRecordedOwnError`).
 */
function storedThrow(
  calls: RecordedHookHost,
  plugin: AgentPlugin,
  error: unknown,
  execution: RecordedExecution,
): Pick<StoredCall, 'trip' | 'own' | 'failed'> {
  if (GuardrailTrippedError.isInstance(error))
    return {
      trip: { guardrailName: error.guardrailName, phase: error.phase, reason: error.reason },
    };
  if (owns(plugin, error)) {
    const recorded = toRecordedOwnError(calls.facts.redact(error));
    execution.thrown = { error: recorded.error };
    return { own: recorded.stored };
  }
  if (execution.reports.length > 0 && failsAsPlugin(calls.facts, error)) {
    execution.thrown = { error };
    return { failed: toRecordedOwnError(calls.facts.redact(error)).stored };
  }
  throw error;
}

/**
 * A recorded hook call's outcome from its record. On a replay, what the hook added on the first
 * run joins the history again where it did (the contents that joined then, after the input
 * checks; not checked again), what it spent is counted again and its reports are emitted
 * again; in either execution a tool hook's reports are held for its call's result event, and
 * its `finish`, state, trip and errors apply. An error is the one thrown in this execution,
 * rebuilt from the record on a replay (a claimed one redacted again, in case the record was
 * written otherwise); an error nobody claims is the plugin's failure (see `call`).
 */
function replayOutcome<T>(
  calls: RecordedHookHost,
  index: number,
  hook: PluginHookName,
  stepNumber: number,
  toolCall: ToolCallPlace | undefined,
  stored: StoredCall,
  { ran, thrown, reports }: RecordedExecution,
  reader: StoredCallReader,
): { readonly value: T } | { readonly claimed: { error: unknown } } {
  const plugin = calls.plugins[index] as AgentPlugin;
  if (!ran && stored.added !== undefined) addStored(reader, stored.added);
  if (!ran && stored.spent !== undefined) countStored(reader, stored.spent);
  if (toolCall !== undefined)
    calls.holdReports(
      plugin.name,
      stepNumber,
      toolCall,
      ran ? reports : storedReports(reader, stored.emitted),
    );
  else if (!ran && stored.emitted !== undefined)
    calls.emitStored(plugin.name, storedReports(reader, stored.emitted));
  if (stored.finish !== undefined) calls.stop ??= { plugin: plugin.name, reason: stored.finish };
  if (plugin.recordedState === true && 'state' in stored)
    (calls.views[index] as PluginRunView).state = stored.state;
  if (stored.trip !== undefined) throw tripError(stored.trip, calls.facts);
  if (stored.own !== undefined) {
    if (ran && thrown !== undefined) return { claimed: thrown };
    const error = fromStoredOwnError(storedError(reader, stored.own));
    return { claimed: { error: calls.facts.redact(error) } };
  }
  if (stored.failed !== undefined)
    throw ran && thrown !== undefined
      ? thrown.error
      : fromStoredOwnError(storedError(reader, stored.failed));
  const value = fromStoredHandOff(stored.value, calls.facts.services?.handOffAgents);
  // A tool hook's toolResult() made again, on the first run too (a recorder hands back its copy),
  // and its tool value as its note says (./sent-tool-hook-value.ts).
  if (toolCall === undefined) return { value: value as T };
  const marked = withToolHookMark(hook, value, stored.toolResult);
  return {
    value: (stored.toolValue === undefined
      ? marked
      : withStoredToolValue(reader, hook, marked, stored.toolValue)) as T,
  };
}

/**
 * Whether an error a recorded hook threw ends the run as the plugin's failure (a
 * `PluginError` naming it), and so may be stored as data: not the run's own end (an abort, an
 * error the agent's `isRunEndingError` or a durable runner ends the run with) nor another
 * run's plugin failure (a hook that called into another run), which go on as they are.
 */
function failsAsPlugin(facts: PluginRunFacts, error: unknown): boolean {
  return !facts.signal.aborted && !PluginError.isInstance(error) && !facts.isRunEnding(error);
}

/**
 * The name a recorded hook call's part is recorded under: the hook's for its first part, then
 * `<hook>.after` (a wrapper's part after its `next()`), `<hook>.after2`, … (after each later one).
 */
function partName(
  hook: PluginHookName,
  part: number,
): PluginHookName | `${PluginHookName}.after${string}` {
  return part === 0 ? hook : part === 1 ? `${hook}.after` : `${hook}.after${part}`;
}

/**
 * `read()` of a hook's result, or the hook's failure for a result that cannot be read, in the
 * words of a run in process (`UNREADABLE_RESULT`): a Proxy whose traps throw, or a getter that
 * throws at its top. Before, the trap's own error was the hook's failure in a durable run: its
 * words (a secret among them) went into the run's error and the step's row (attack67c).
 */
function readResult<T>(read: () => T): T {
  try {
    return read();
  } catch {
    throw new TypeError(UNREADABLE_RESULT);
  }
}
