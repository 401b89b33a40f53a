import { cutTextNoted } from '../../../shared/cut-text.ts';
import { onAbort } from '../../../shared/on-abort.ts';
import type { TurnAfterCalls } from '../../tool-calls/hand-off-call-order.ts';
import type { AgentPlugin, HandOffOutcome, PluginHookName } from '../agent-plugin.ts';
import type { RunInbox } from '../messages/run-messages.ts';
import { PluginError } from '../plugin-error.ts';
import type { PluginReport } from '../plugin-results.ts';
import type { PluginRunFacts, PluginRunView } from '../run-view/plugin-run-view.ts';
import { callRecordedHook, type ToolCallPlace } from './call-recorded-hook.ts';
import type { HeldReports, HeldToolReports } from './held-tool-reports.ts';
import { hookFailure } from './hook-failure.ts';
import { boxed, type HookValue, unboxed } from './hook-value.ts';
import { UNREADABLE_RESULT } from './tool-hook-results.ts';

export type { ToolCallPlace } from './call-recorded-hook.ts';
export type { HookValue } from './hook-value.ts';

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
  /**
   * Whether a plugin that declares receivers has an `afterToolCall` (it may hand the run off from
   * a call): the turn's calls are then tracked so its hand-offs go in call order.
   */
  handsOffAfterCalls = false;
  /** The turn's calls that passed their `afterToolCall`, while `handsOffAfterCalls`. */
  turnAfterCalls: TurnAfterCalls | undefined;
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
  plugins!: readonly AgentPlugin[];
  /** The agent's plugins among `plugins` (see `ResolvedPlugins.agentPlugins`). */
  protected agentPlugins!: readonly AgentPlugin[];
  views!: PluginRunView[];
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
   * `body(argument)` at the run's depth (`facts.call`): an `agent.run()` the hook makes before its
   * first `await` nests one deeper (MAX_RUN_DEPTH). Every hook's body goes through here.
   * @internal
   */
  atRunDepth<A, T>(body: (argument: A) => T, argument: A): T {
    const { call } = this.facts;
    return call === undefined ? body(argument) : call(body, argument);
  }

  /**
   * One hook call: through the recorder when the plugin lists the hook in `recorded` (its result
   * and a `finish` it asked for are what is stored: `callRecordedHook`), its throw made a
   * {@link PluginError}. `body` gets the plugin's view of the run (a tool hook's recorded call: a
   * view of its own, see `heldView`); `toolCall` places a tool hook's call in its turn;
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
  ): Promise<HookValue<T>> {
    const plugin = this.plugins[index] as AgentPlugin;
    // The plugin's own error a recorded hook threw: the run ends with it as it is (`ownErrors`
    // is not asked again of an error rebuilt from the record: not its class).
    let claimed: { error: unknown };
    try {
      const recorded = plugin.recorded?.includes(hook) === true;
      if (this.facts.record === undefined || !recorded) {
        const view = this.views[index] as PluginRunView;
        // A recorded hook may not receive in process either: it could not in a durable run.
        if (recorded || !BOUNDARY_HOOKS.has(hook))
          return await this.settled(this.atRunDepth(body, view), hook);
        this.atBoundary++;
        try {
          return await this.settled(this.atRunDepth(body, view), hook);
        } finally {
          this.atBoundary--;
        }
      }
      const outcome = await callRecordedHook(this, index, hook, stepNumber, body, toolCall, part);
      if (!('claimed' in outcome)) return outcome;
      claimed = outcome.claimed;
    } catch (cause) {
      throw this.error(index, hook, cause);
    }
    throw claimed.error;
  }

  /**
   * The reports a recorded boundary hook made on the first run, emitted again on a replay as
   * `plugin` events of this step.
   */
  emitStored(plugin: string, reports: readonly PluginReport[]): void {
    const stepNumber = this.stepNumber;
    for (const { kind, data } of reports) this.report(plugin, stepNumber, kind, data);
  }

  /**
   * A recorded tool hook's reports, emitted just before its call's result event (see
   * `HeldToolReports`); at once when nothing places them (the run's events are not routed).
   */
  holdReports(
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
  ): Promise<HookValue<unknown>> {
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
   * the run). The hook goes on in the background. See {@link settled} for the boxed form.
   */
  untilAborted<T>(value: T | Promise<T>, hook: PluginHookName): T | Promise<T> {
    const settled = this.settled(value, hook);
    return settled instanceof Promise ? settled.then(unboxed) : settled.value;
  }

  /**
   * {@link untilAborted}, its value boxed ({@link HookValue}): `then` read once, guarded (a getter
   * or proxy trap that throws is a result that cannot be read, never the trap's own words as the
   * plugin's failure: its message may hold anything, leftovers83), and never again: the run's
   * promises are resolved with the box, not with the hook's object (misc64).
   */
  settled<T>(value: T | Promise<T>, hook: PluginHookName): HookValue<T> | Promise<HookValue<T>> {
    let pending: Promise<HookValue<T>>;
    if (value instanceof Promise) pending = value.then(boxed);
    else {
      let then: unknown;
      try {
        then = (value as { then?: unknown } | undefined)?.then;
      } catch {
        throw new TypeError(UNREADABLE_RESULT);
      }
      if (typeof then !== 'function')
        return value === undefined ? (NO_VALUE as HookValue<T>) : { value: value as T };
      // Called as read (`Promise.resolve(value)` read `then` a second time), and what it gives
      // read the same way, once: it may be a thenable again, or an object whose `then` lies.
      pending = new Promise<HookValue<T>>((resolve, reject) => {
        (then as PromiseLike<T>['then']).call(
          value,
          (given) => {
            try {
              resolve(this.settled(given, hook));
            } catch (error) {
              reject(error);
            }
          },
          reject,
        );
      });
    }
    const signal = this.facts.signal;
    if (signal.aborted) {
      if (hook === 'endRun') return pending;
      pending.catch(() => {});
      return Promise.reject(signal.reason);
    }
    return new Promise<HookValue<T>>((resolve, reject) => {
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

  /**
   * What a hook returned, read by `read` (its fields, once: `fieldsOf`, `modelChangeOf`, ...);
   * every hook family reads a result's fields through here. A getter or a proxy trap that throws
   * while it is read is the plugin's failure, worded without the trap's own error (a hostile
   * object's error could say anything: hooks65).
   */
  protected returned<R>(
    index: number,
    hook: PluginHookName,
    value: unknown,
    read: (value: unknown) => R,
  ): R {
    try {
      return read(value);
    } catch {
      throw this.invalid(index, hook, UNREADABLE_RESULT);
    }
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

  invalid(index: number, hook: PluginHookName, message: string): PluginError {
    return new PluginError({
      plugin: (this.plugins[index] as AgentPlugin).name,
      hook,
      message,
      run: this.facts.tracker.state(),
    });
  }
}

/** The box of a hook that returned nothing (most do, and `wrapEvents` is called per event). */
const NO_VALUE: HookValue<undefined> = { value: undefined };

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
