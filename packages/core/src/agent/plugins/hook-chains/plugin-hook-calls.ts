import { cutTextNoted } from '../../../shared/cut-text.ts';
import { onAbort } from '../../../shared/on-abort.ts';
import type { Content } from '../../../wire/content.ts';
import { GuardrailTrippedError } from '../../errors/guardrail-tripped-error.ts';
import type { AgentPlugin, HandOffOutcome, PluginHookName } from '../agent-plugin.ts';
import { fromStoredHandOff, toStoredHandOff } from '../hand-off/recorded-hand-off.ts';
import type { RunInbox } from '../messages/run-messages.ts';
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
import type { HeldReports, HeldToolReports } from './held-tool-reports.ts';
import { hookFailure, owns } from './hook-failure.ts';
import {
  addStored,
  CHANGED,
  countStored,
  type StoredCall,
  type StoredCallReader,
  storedError,
  storedReports,
} from './stored-call.ts';

/** Where a tool hook's call is in its turn: the call's id and its index among the turn's calls. @internal */
export type ToolCallPlace = { readonly id: string; readonly index: number };

/** What a recorded hook's call did in this execution (none of it is stored: see `runRecorded`). */
type RecordedExecution = {
  /** Whether the hook ran here (not a replay). */
  ran: boolean;
  /** Its own error, or its failure after reports, as the run ends with it here. */
  thrown: { error: unknown } | undefined;
  /** Its reports (`run.emit`) made here. */
  readonly reports: PluginReport[];
};

/** Why a plugin ended the run. @internal */
export type PluginStop = { readonly plugin: string; readonly reason: string };

/** A hand-off a plugin returned, checked (see `HandOffOutcome`), with the plugin's name. @internal */
export type HandOffDecision = {
  readonly plugin: string;
  readonly hook: 'afterAnswer' | 'afterToolCall';
  readonly outcome: HandOffOutcome;
  /** The agents the plugin declares it hands to (`AgentPlugin.receivers`): `to` must be one. */
  readonly receivers: AgentPlugin['receivers'];
};

/**
 * The run's plugins' state and the call of one hook (recorded, raced against the run's abort, its
 * failure made a `PluginError`): the base of `RunPlugins`' hook families. @internal
 */
export class PluginHookCalls {
  hooks!: { readonly [Hook in PluginHookName]: readonly number[] | undefined };
  inherited: readonly AgentPlugin[] | undefined;
  /** Whether any plugin has a model-call hook (else the step is made as without plugins). */
  aroundModelCalls = false;
  /** Whether any plugin has a tool-call hook (else calls run as without plugins). */
  aroundToolCalls = false;
  /** Set by `run.finish(reason)`: the loop ends the run once the step is over. */
  stop: PluginStop | undefined;
  /**
   * A hand-off a hook returned (the turn's first, or an answer's): the loop gives the run over
   * once the step is over (`loop/take-over.ts`) and clears it.
   */
  handOff: HandOffDecision | undefined;
  /** The step being made, for the events plugins emit. */
  stepNumber = 0;
  /**
   * The run's inbox in process (a stream's or a steering controller's messages), bound by the
   * steering plugin that carries it (`bindInbox`); `undefined`: nobody can send to the run.
   */
  inbox: (() => RunInbox | undefined) | undefined;
  /** Hooks at a step boundary under way, not recorded: where `run.receive` may read. */
  atBoundary = 0;
  /** The run's receives, one after another: a durable run's reads are numbered operations. */
  receiving: Promise<unknown> = Promise.resolve();
  /** Set once `endRun` ran: a run that finished ran it before its result was built. */
  protected ended = false;
  /**
   * Set once the run is over (its result or error given): `run.generate` and `run.addInput` of a
   * view a plugin kept refuse from then on.
   */
  closed = false;
  protected plugins!: readonly AgentPlugin[];
  /** The agent's plugins among `plugins` (see `ResolvedPlugins.agentPlugins`). */
  protected agentPlugins!: readonly AgentPlugin[];
  protected views!: PluginRunView[];
  /**
   * A durable run's recorded tool hooks' reports, each held for its call's result event (made
   * with the run's routed events when the run has a recorder: see `PluginEvents.routeEvents`).
   */
  protected heldReports: HeldToolReports | undefined;
  /** The run's facts; `emit` goes through the plugins' `wrapEvents` once one wraps events. */
  facts!: PluginRunFacts;
  /**
   * The run's emitter and its subagents' sink through the plugins' `wrapEvents` (the loop emits
   * through these); `undefined` while no plugin wraps events or when nothing listens. Made when
   * the run starts, or when the first plugin that wraps events joins it (late, or at a hand-off:
   * the loop then emits through these from its next step on).
   */
  events:
    | { readonly emit: NonNullable<PluginRunFacts['emit']>; readonly sink: PluginRunFacts['sink'] }
    | undefined;

  /** Whether `plugin` is one of the run's plugins now. */
  holds(plugin: AgentPlugin): boolean {
    return this.plugins.includes(plugin);
  }

  /** The run's plugins now (`PluginRun.plugins`). */
  get list(): readonly AgentPlugin[] {
    return this.plugins;
  }

  /**
   * One hook call: through the recorder when the plugin lists the hook in `recorded` (its result
   * and a `finish` it asked for are what is stored: `recordedCall`), its throw made a
   * {@link PluginError}. `body` gets the plugin's view of the run (a tool hook's recorded call: a
   * view of its own, see {@link heldView}); `toolCall` places a tool hook's call in its turn;
   * `part`: the record of a recorded wrapper's part after its `part`th `next()`
   * (./recorded-tool-wrap.ts, ./recorded-model-wrap.ts).
   */
  protected async call<T>(
    index: number,
    hook: PluginHookName,
    stepNumber: number,
    body: (run: PluginRunView) => T | Promise<T>,
    toolCall?: ToolCallPlace,
    part = 0,
  ): Promise<T> {
    const plugin = this.plugins[index] as AgentPlugin;
    // The plugin's own error a recorded hook threw: the run ends with it as it is (`ownErrors`
    // is not asked again of an error rebuilt from the record: not its class).
    let claimed: { error: unknown };
    try {
      const recorded = plugin.recorded?.includes(hook) === true;
      if (this.facts.record === undefined || !recorded) {
        const view = this.views[index] as PluginRunView;
        // A recorded hook may not receive in process either: it could not in a durable run.
        if (recorded || !BOUNDARY_HOOKS.has(hook)) return await this.untilAborted(body(view), hook);
        this.atBoundary++;
        try {
          return await this.untilAborted(body(view), hook);
        } finally {
          this.atBoundary--;
        }
      }
      const outcome = await this.recordedCall(index, hook, stepNumber, body, toolCall, part);
      if (!('claimed' in outcome)) return outcome.value;
      claimed = outcome.claimed;
    } catch (cause) {
      throw this.error(index, hook, cause);
    }
    throw claimed.error;
  }

  /**
   * A recorded hook's call: run inside the recorder's record (see `runRecorded`) on the
   * first run, its outcome read back from the record on a replay (see `replayOutcome`).
   * Raced against the run's abort twice: the run goes on at once (a recorder's step may not end
   * with it), and the step's own body ends too, so what the recorder keeps of an abandoned call
   * is the abort (a durable recorder keeps nothing of a cancelled run's step).
   */
  private async recordedCall<T>(
    index: number,
    hook: PluginHookName,
    stepNumber: number,
    body: (run: PluginRunView) => T | Promise<T>,
    toolCall: ToolCallPlace | undefined,
    part: number,
  ): Promise<{ readonly value: T } | { readonly claimed: { error: unknown } }> {
    const plugin = this.plugins[index] as AgentPlugin;
    const execution: RecordedExecution = { ran: false, thrown: undefined, reports: [] };
    const recording = this.facts.record?.(
      recordName(plugin.name, partName(hook, part), stepNumber, toolCall?.id),
      () => this.runRecorded(index, hook, body, toolCall, execution),
    );
    let stored: StoredCall;
    try {
      stored = (await this.untilAborted(recording, hook)) as StoredCall;
    } catch (error) {
      // Not recorded (the run ended, the recorder failed): what the tool hook reported in
      // this execution still goes out, with its call's result.
      if (execution.ran && toolCall !== undefined)
        this.holdReports(plugin.name, stepNumber, toolCall, execution.reports);
      throw error;
    }
    const reader: StoredCallReader = {
      facts: this.facts,
      invalid: (message) => this.invalid(index, hook, message),
    };
    // A record is read back from a database: what is not one fails as the hook's invalid
    // result rather than as a TypeError (or worse) further on.
    if (typeof stored !== 'object' || stored === null)
      throw reader.invalid(`its record is not a hook call's record ${CHANGED}`);
    return this.replayOutcome<T>(index, stepNumber, toolCall, stored, execution, reader);
  }

  /**
   * The body of a recorded hook's record: the hook called, and what it did that a replay (which
   * does not call it) must do again stored with its result: the contents it added
   * (`run.addInput`), what its `run.generate` calls spent, its reports (`run.emit`), the
   * `finish` it asked for, the state it left (`recordedState`), and a trip, its own error or its
   * failure after reports as data. `execution` notes that it ran and what it threw.
   */
  private async runRecorded<T>(
    index: number,
    hook: PluginHookName,
    body: (run: PluginRunView) => T | Promise<T>,
    toolCall: ToolCallPlace | undefined,
    execution: RecordedExecution,
  ): Promise<StoredCall> {
    execution.ran = true;
    const plugin = this.plugins[index] as AgentPlugin;
    const view = this.views[index] as PluginRunView;
    const { reports } = execution;
    const before = this.stop;
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
      value = toStoredHandOff(
        await this.untilAborted(body(run), hook),
        this.facts.services?.handOffAgents,
      );
    } catch (error) {
      thrown = this.storedThrow(plugin, error, execution);
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
    const finished = this.stop !== before ? this.stop : undefined;
    return {
      value,
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
  private storedThrow(
    plugin: AgentPlugin,
    error: unknown,
    execution: RecordedExecution,
  ): Pick<StoredCall, 'trip' | 'own' | 'failed'> {
    if (GuardrailTrippedError.isInstance(error))
      return {
        trip: { guardrailName: error.guardrailName, phase: error.phase, reason: error.reason },
      };
    if (owns(plugin, error)) {
      const recorded = toRecordedOwnError(this.facts.redact(error));
      execution.thrown = { error: recorded.error };
      return { own: recorded.stored };
    }
    if (execution.reports.length > 0 && this.failsAsPlugin(error)) {
      execution.thrown = { error };
      return { failed: toRecordedOwnError(this.facts.redact(error)).stored };
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
  private replayOutcome<T>(
    index: number,
    stepNumber: number,
    toolCall: ToolCallPlace | undefined,
    stored: StoredCall,
    { ran, thrown, reports }: RecordedExecution,
    reader: StoredCallReader,
  ): { readonly value: T } | { readonly claimed: { error: unknown } } {
    const plugin = this.plugins[index] as AgentPlugin;
    if (!ran && stored.added !== undefined) addStored(reader, stored.added);
    if (!ran && stored.spent !== undefined) countStored(reader, stored.spent);
    if (toolCall !== undefined)
      this.holdReports(
        plugin.name,
        stepNumber,
        toolCall,
        ran ? reports : storedReports(reader, stored.emitted),
      );
    else if (!ran && stored.emitted !== undefined)
      this.emitStored(plugin.name, storedReports(reader, stored.emitted));
    if (stored.finish !== undefined) this.stop ??= { plugin: plugin.name, reason: stored.finish };
    if (plugin.recordedState === true && 'state' in stored)
      (this.views[index] as PluginRunView).state = stored.state;
    if (stored.trip !== undefined) throw tripError(stored.trip, this.facts);
    if (stored.own !== undefined) {
      if (ran && thrown !== undefined) return { claimed: thrown };
      const error = fromStoredOwnError(storedError(reader, stored.own));
      return { claimed: { error: this.facts.redact(error) } };
    }
    if (stored.failed !== undefined)
      throw ran && thrown !== undefined
        ? thrown.error
        : fromStoredOwnError(storedError(reader, stored.failed));
    return { value: fromStoredHandOff(stored.value, this.facts.services?.handOffAgents) as T };
  }

  /**
   * Whether an error a recorded hook threw ends the run as the plugin's failure (a
   * `PluginError` naming it), and so may be stored as data: not the run's own end (an abort, an
   * error the agent's `isRunEndingError` or a durable runner ends the run with) nor another
   * run's plugin failure (a hook that called into another run), which go on as they are.
   */
  private failsAsPlugin(error: unknown): boolean {
    return (
      !this.facts.signal.aborted && !PluginError.isInstance(error) && !this.facts.isRunEnding(error)
    );
  }

  /**
   * The reports a recorded boundary hook made on the first run, emitted again on a replay as
   * `plugin` events of this step.
   */
  protected emitStored(plugin: string, reports: readonly PluginReport[]): void {
    const stepNumber = this.stepNumber;
    for (const { kind, data } of reports) this.report(plugin, stepNumber, kind, data);
  }

  /**
   * A recorded tool hook's reports, emitted just before its call's result event (see
   * `HeldToolReports`); at once when nothing places them (the run's events are not routed).
   */
  private holdReports(
    plugin: string,
    stepNumber: number,
    toolCall: ToolCallPlace,
    reports: readonly PluginReport[],
  ): void {
    if (reports.length === 0) return;
    const held: HeldReports = { plugin, stepNumber, reports };
    if (this.heldReports === undefined) this.releaseHeld(held);
    else this.heldReports.hold(toolCall.index, held, this.releaseHeld);
  }

  /** Emits held reports (see {@link holdReports}). */
  protected readonly releaseHeld = (held: HeldReports): void => {
    for (const { kind, data } of held.reports)
      this.report(held.plugin, held.stepNumber, kind, data);
  };

  /** One report as the `plugin` event `PluginRun.emit` makes (nothing when nobody listens). */
  protected report(plugin: string, stepNumber: number, kind: string, data: unknown): void {
    const { emit } = this.facts;
    if (emit === undefined) return;
    void emit(
      data === undefined
        ? { type: 'plugin', plugin, kind, stepNumber }
        : { type: 'plugin', plugin, kind, stepNumber, data },
    );
  }

  /** A wrapper's call: what `next` threw goes on as it is; the wrapper's own throw is the plugin's. */
  protected async wrapped<Arg>(
    index: number,
    hook: 'wrapModelCall' | 'wrapToolCall',
    stepNumber: number,
    body: (next: (value: Arg) => Promise<never>, run: PluginRunView) => Promise<unknown>,
    inner: (value: Arg) => Promise<unknown>,
    toolCall?: ToolCallPlace,
  ): Promise<unknown> {
    let fromNext: { error: unknown } | undefined;
    let returned = false;
    // A `next` kept and called after its wrapper returned (a timer, a retry left behind) sent a
    // model request or ran a tool after the step, even after the run, spent and counted nowhere
    // (attack42a): refused, as run.generate is after the run.
    const next = (value: Arg): Promise<never> =>
      (returned
        ? Promise.reject(this.invalid(index, hook, 'next() was called after it returned'))
        : inner(value).catch((error: unknown) => {
            fromNext = { error };
            throw error;
          })) as Promise<never>;
    try {
      return await this.call(index, hook, stepNumber, (run) => body(next, run), toolCall);
    } catch (error) {
      if (PluginError.isInstance(error) && fromNext !== undefined && error.cause === fromNext.error)
        throw fromNext.error;
      throw error;
    } finally {
      returned = true;
    }
  }

  /**
   * A hook's pending result, or the run's abort: a hook that ignores `run.signal` must not keep an
   * aborted run waiting for ever (a tool's `execute` is raced the same way). An `endRun` called
   * after the abort is not raced: it runs then to clean up; one the abort comes during is (an
   * `endRun` that never settled held a finished run past its caller's abort: attack42a). A
   * thenable that is no Promise is raced too (awaited as it was, one that never called back held
   * the run). The hook goes on in the background.
   */
  protected untilAborted<T>(value: T | Promise<T>, hook: PluginHookName): T | Promise<T> {
    const signal = this.facts.signal;
    let pending = value as Promise<T>;
    if (!(value instanceof Promise)) {
      if (typeof (value as { then?: unknown } | undefined)?.then !== 'function') return value;
      pending = Promise.resolve(value);
    }
    if (signal.aborted) {
      if (hook === 'endRun') return pending;
      pending.catch(() => {});
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const stopWaiting = onAbort(signal, () => {
        pending.catch(() => {});
        reject(signal.reason);
      });
      pending.then(
        (settled) => {
          stopWaiting();
          resolve(settled);
        },
        (error: unknown) => {
          stopWaiting();
          reject(error);
        },
      );
    });
  }

  /** A hook's failure as the run ends with it ({@link hookFailure}). */
  protected error(index: number, hook: PluginHookName, cause: unknown): unknown {
    return hookFailure(this.facts, this.plugins[index] as AgentPlugin, hook, cause);
  }

  /**
   * A plugin's deny message as the model (the call's answer in the history) and the events get
   * it: the client's secrets redacted, as a hook's error message is, then cut between characters
   * at {@link MAX_DENY_MESSAGE}, as a tool's error message and a page's denial are (a hook that
   * denies with a whole document would otherwise put it in every later request).
   */
  protected denial(message: string): string {
    return cutTextNoted(this.facts.redact(message), MAX_DENY_MESSAGE);
  }

  protected invalid(index: number, hook: PluginHookName, message: string): PluginError {
    return new PluginError({
      plugin: (this.plugins[index] as AgentPlugin).name,
      hook,
      message,
      run: this.facts.tracker.state(),
    });
  }
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

/** The longest deny message of a plugin the model gets, as a tool's error message (1,000). */
const MAX_DENY_MESSAGE = 1_000;

/**
 * The hooks at a step boundary, where `run.receive` may read (not recorded): one at a time, in
 * the same order on a replay. Not the tool hooks (a turn's calls run at once) nor the wrappers.
 */
const BOUNDARY_HOOKS: ReadonlySet<PluginHookName> = new Set<PluginHookName>([
  'startRun',
  'beforeModelCall',
  'afterModelCall',
  'checkAnswer',
  'afterAnswer',
]);
