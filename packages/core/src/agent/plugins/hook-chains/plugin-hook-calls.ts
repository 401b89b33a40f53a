import { cutTextNoted } from '../../../shared/cut-text.ts';
import { onAbort } from '../../../shared/on-abort.ts';
import type { Content } from '../../../wire/content.ts';
import { type AbortPhase, AgentAbortedError } from '../../errors/agent-aborted-error.ts';
import { GuardrailTrippedError } from '../../errors/guardrail-tripped-error.ts';
import { emptyUsage } from '../../usage.ts';
import type { AgentPlugin, HandOffOutcome, PluginHookName, PluginTrip } from '../agent-plugin.ts';
import { fromStoredHandOff, toStoredHandOff } from '../hand-off/recorded-hand-off.ts';
import type { RunInbox } from '../messages/run-messages.ts';
import { PluginError, UNREADABLE } from '../plugin-error.ts';
import { isContentList, type PluginReport, recordName, toReports } from '../plugin-results.ts';
import {
  fromStoredOwnError,
  isStoredError,
  type StoredOwnError,
  toRecordedOwnError,
} from '../recorded-own-error.ts';
import {
  heldView,
  type PluginRunFacts,
  type PluginRunView,
  tripError,
} from '../run-view/plugin-run-view.ts';
import { countSideCall, type SideSpend } from '../run-view/run-generate.ts';
import type { HeldReports, HeldToolReports } from './held-tool-reports.ts';

/** Where a tool hook's call is in its turn: the call's id and its index among the turn's calls. @internal */
export type ToolCallPlace = { readonly id: string; readonly index: number };

/** What a recorded hook call's record holds (data read back from a database: checked when used). */
type StoredCall = {
  readonly value: unknown;
  readonly trip?: PluginTrip;
  readonly own?: unknown;
  readonly failed?: unknown;
  readonly finish?: string;
  readonly added?: unknown;
  readonly emitted?: unknown;
  readonly state?: unknown;
  readonly spent?: unknown;
};

/** Ends the message of a record that is not one the seam wrote. */
const CHANGED = '(the record was changed)';

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
   * and a `finish` it asked for are what is stored), its throw made a {@link PluginError}. `body`
   * gets the plugin's view of the run (a tool hook's recorded call: a view of its own, see
   * {@link heldView}); `toolCall` places a tool hook's call in its turn; `part`: the record of a
   * recorded wrapper's part after its `part`th `next()` (./recorded-tool-wrap.ts,
   * ./recorded-model-wrap.ts).
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
    const record = this.facts.record;
    const view = this.views[index] as PluginRunView;
    // The plugin's own error a recorded hook threw, as the run ends with it (see below).
    let claimed: { error: unknown } | undefined;
    try {
      const recorded = plugin.recorded?.includes(hook) === true;
      if (record === undefined || !recorded) {
        // A recorded hook may not receive in process either: it could not in a durable run.
        if (recorded || !BOUNDARY_HOOKS.has(hook)) return await this.untilAborted(body(view), hook);
        this.atBoundary++;
        try {
          return await this.untilAborted(body(view), hook);
        } finally {
          this.atBoundary--;
        }
      }
      const agents = this.facts.services?.handOffAgents;
      // Raced against the run's abort twice: the run goes on at once (a recorder's step may not
      // end with it), and the step's own body ends too, so what the recorder keeps of an abandoned
      // call is the abort (a durable recorder keeps nothing of a cancelled run's step).
      let ran = false;
      let thrown: { error: unknown } | undefined;
      // The hook's reports (`run.emit`) are part of its outcome: a replay does not call it, so
      // the record carries them and the replay emits them again where they were, so the run's
      // events are the same in number and order as the first run's (a durable runner's stream is
      // indexed by them) and none is lost with a worker killed before writing it. A boundary
      // hook's go out as it makes them; a tool hook's are held for its call's result event.
      const reports: PluginReport[] = [];
      const recording = record(
        recordName(plugin.name, partName(hook, part), stepNumber, toolCall?.id),
        async (): Promise<StoredCall> => {
          ran = true;
          const before = this.stop;
          let value: unknown;
          let trip: PluginTrip | undefined;
          let own: StoredOwnError | undefined;
          let failed: StoredOwnError | undefined;
          // What the hook adds to the history (`run.addInput`) is part of its outcome: a replay
          // does not call it, so the record carries the contents that joined (a tool hook's
          // calls run at once, so there `addInput` is refused instead: see PluginRunView).
          const outer = view.adding;
          const added: Content[] = [];
          const outerEmitting = view.emitting;
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
            value = toStoredHandOff(await this.untilAborted(body(run), hook), agents);
          } catch (error) {
            // A trip is the hook's verdict: stored as data (a recorder keeps a throw as name and
            // message only), thrown again below, typed, on the first run and on every replay.
            if (GuardrailTrippedError.isInstance(error))
              trip = {
                guardrailName: error.guardrailName,
                phase: error.phase,
                reason: error.reason,
              };
            // So is the plugin's own error (`ownErrors`): the run ends with it, not a PluginError,
            // here and on a replay (../recorded-own-error.ts).
            // Both kept without local details (`toRecordedOwnError`).
            else if (owns(plugin, error)) {
              const recorded = toRecordedOwnError(this.facts.redact(error));
              thrown = { error: recorded.error };
              own = recorded.stored;
            }
            // And an error nobody claims once the hook reported: the recorder would keep the
            // throw alone, and a replay lose the reports made before it. The run's own end (an
            // abort, a durable runner's) and another run's plugin failure go on as they are.
            else if (reports.length > 0 && this.failsAsPlugin(error)) {
              thrown = { error };
              failed = toRecordedOwnError(this.facts.redact(error)).stored;
            } else throw error;
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
            ...(trip !== undefined && { trip }),
            ...(own !== undefined && { own }),
            ...(failed !== undefined && { failed }),
            ...(finished !== undefined && { finish: finished.reason }),
            ...(added.length > 0 && { added }),
            ...(spent.length > 0 && { spent }),
            ...(reports.length > 0 && { emitted: reports }),
            // `recordedState`: the state this call left, restored on a replay (below).
            ...(plugin.recordedState === true && { state: view.state }),
          };
        },
      );
      let stored: StoredCall;
      try {
        stored = (await this.untilAborted(recording, hook)) as StoredCall;
      } catch (error) {
        // Not recorded (the run ended, the recorder failed): what the tool hook reported in
        // this execution still goes out, with its call's result.
        if (ran && toolCall !== undefined)
          this.holdReports(plugin.name, stepNumber, toolCall, reports);
        throw error;
      }
      // A record is read back from a database: what is not one fails as the hook's invalid
      // result rather than as a TypeError (or worse) further on.
      if (typeof stored !== 'object' || stored === null)
        throw this.invalid(index, hook, `its record is not a hook call's record ${CHANGED}`);
      // A replay: what the hook added on the first run joins the history again, where it did
      // (the contents that joined then, after the input checks; they are not checked again).
      if (!ran && stored.added !== undefined) this.addStored(index, hook, stored.added);
      if (!ran && stored.spent !== undefined) this.countStored(index, hook, stored.spent);
      if (toolCall !== undefined)
        this.holdReports(
          plugin.name,
          stepNumber,
          toolCall,
          ran ? reports : this.storedReports(index, hook, stored.emitted),
        );
      else if (!ran && stored.emitted !== undefined)
        this.emitStored(plugin.name, this.storedReports(index, hook, stored.emitted));
      if (stored.finish !== undefined) this.stop ??= { plugin: plugin.name, reason: stored.finish };
      if (plugin.recordedState === true && 'state' in stored) view.state = stored.state;
      if (stored.trip !== undefined) throw tripError(stored.trip, this.facts);
      if (stored.own !== undefined) {
        // The error itself where the hook ran in this execution; rebuilt from the record on a
        // replay (redacted, as the first run's was, in case the record was written otherwise).
        claimed = {
          error:
            ran && thrown !== undefined
              ? thrown.error
              : this.facts.redact(fromStoredOwnError(this.storedError(index, hook, stored.own))),
        };
        throw claimed.error;
      }
      // An error nobody claims, after the hook's reports: as thrown in this execution, rebuilt
      // from the record on a replay; either way the plugin's failure (below).
      if (stored.failed !== undefined)
        throw ran && thrown !== undefined
          ? thrown.error
          : fromStoredOwnError(this.storedError(index, hook, stored.failed));
      return fromStoredHandOff(stored.value, agents) as T;
    } catch (cause) {
      // Claimed already: `ownErrors` is not asked again of a rebuilt error (not its class).
      if (claimed !== undefined && cause === claimed.error) throw cause;
      throw this.error(index, hook, cause);
    }
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
   * The contents a recorded hook added on the first run (`run.addInput`), appended again on a
   * replay. A record is read back from a database: what is not a list of user contents fails
   * as the hook's invalid result rather than joining the history.
   */
  protected addStored(index: number, hook: PluginHookName, added: unknown): void {
    if (!isContentList(added))
      throw this.invalid(
        index,
        hook,
        `its record holds contents it added that are not a list of user contents ${CHANGED}`,
      );
    for (const content of added) this.facts.tracker.append(content);
  }

  /**
   * What a recorded hook's `run.generate` calls spent on the first run, counted again on a replay.
   * A record is read back from a database: what is not a list of `{ usage, cost }` (token counts,
   * a USD cost) fails as the hook's invalid result rather than as a count no total can read.
   */
  private countStored(index: number, hook: PluginHookName, spent: unknown): void {
    if (!Array.isArray(spent) || !spent.every(isSideSpend))
      throw this.invalid(
        index,
        hook,
        `its record holds model calls it made that are not a list of { usage, cost } ${CHANGED}`,
      );
    const context = this.facts.context() as Parameters<typeof countSideCall>[0];
    for (const each of spent) countSideCall(context, each);
  }

  /**
   * The reports a record holds (`undefined`: none), checked as `run.emit` checks a kind: a record
   * is read back from a database, so what is not a list of reports, each a kind of 1 to 64
   * characters and its data, fails as the hook's invalid result rather than as events no
   * surface can read. The kinds are redacted again (a record may have been written otherwise).
   */
  protected storedReports(index: number, hook: PluginHookName, emitted: unknown): PluginReport[] {
    if (emitted === undefined) return [];
    const reports = toReports(emitted, this.facts.redact);
    if (reports === undefined)
      throw this.invalid(
        index,
        hook,
        `its record holds reports that are not a list of { kind, data } (a kind is 1 to 64 characters) ${CHANGED}`,
      );
    return reports;
  }

  /** An error the record holds ({@link StoredOwnError}), checked: a name and a message. */
  private storedError(index: number, hook: PluginHookName, stored: unknown): StoredOwnError {
    if (isStoredError(stored)) return stored;
    throw this.invalid(
      index,
      hook,
      `its record holds an error that is not { name, message } (strings) ${CHANGED}`,
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
    const next = (value: Arg): Promise<never> =>
      inner(value).catch((error: unknown) => {
        fromNext = { error };
        throw error;
      }) as Promise<never>;
    try {
      return await this.call(index, hook, stepNumber, (run) => body(next, run), toolCall);
    } catch (error) {
      if (PluginError.isInstance(error) && fromNext !== undefined && error.cause === fromNext.error)
        throw fromNext.error;
      throw error;
    }
  }

  /**
   * A hook's pending result, or the run's abort: a hook that ignores `run.signal` must not keep an
   * aborted run waiting for ever (a tool's `execute` is raced the same way). `endRun` is not
   * raced: it runs after an abort, to clean up. The hook goes on in the background.
   */
  protected untilAborted<T>(value: T | Promise<T>, hook: PluginHookName): T | Promise<T> {
    const signal = this.facts.signal;
    if (hook === 'endRun' || !(value instanceof Promise)) return value;
    if (signal.aborted) {
      value.catch(() => {});
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const stopWaiting = onAbort(signal, () => {
        value.catch(() => {});
        reject(signal.reason);
      });
      value.then(
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

  protected error(index: number, hook: PluginHookName, cause: unknown): unknown {
    try {
      return this.classified(index, hook, cause);
    } catch {
      // What the hook threw cannot be inspected (a proxy whose traps throw, a getter that throws
      // on `message`): the plugin's failure, without it (its own throw could carry a secret).
      return this.invalid(index, hook, UNREADABLE);
    }
  }

  /** A hook's failure as the run ends with it (see {@link error}); may throw on a hostile value. */
  private classified(index: number, hook: PluginHookName, cause: unknown): unknown {
    // Already a plugin's failure (a hook that called into another run), or the run's own end
    // travelling through a wrapper: passed on as it is.
    if (PluginError.isInstance(cause) || this.facts.isRunEnding(cause)) return cause;
    // A trip (`run.trip`) ends the run typed, as a guardrail's does.
    if (GuardrailTrippedError.isInstance(cause)) return cause;
    // The run was aborted while the hook ran (it stopped on `run.signal`, or was raced): the
    // caller's abort, not the plugin's failure. A tool hook's is the tool path's to report, with
    // the turn's calls answered.
    const phase = ABORT_PHASES[hook];
    if (phase !== undefined && this.facts.signal.aborted)
      return new AgentAbortedError({
        phase,
        run: this.facts.tracker.state(),
        cause: this.facts.signal.reason,
      });
    const plugin = this.plugins[index] as AgentPlugin;
    // The plugin's own typed error (`ownErrors`) ends the run as it is, redacted as a
    // PluginError's cause would be (a copy keeps its prototype). A predicate that throws or
    // answers anything but `true` does not claim it.
    if (owns(plugin, cause)) return this.facts.redact(cause);
    return new PluginError({
      plugin: plugin.name,
      hook,
      run: this.facts.tracker.state(),
      // Read from the redacted copy (a string message only: an object's `toString` could print
      // anything); PluginError reads it defensively.
      cause: this.facts.redact(cause),
    });
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

/** Whether a stored value is a side call's `{ usage, cost }` (see `countStored`). */
function isSideSpend(value: unknown): value is SideSpend {
  if (typeof value !== 'object' || value === null) return false;
  const { usage, cost } = value as { usage?: unknown; cost?: unknown };
  if (typeof usage !== 'object' || usage === null || typeof cost !== 'object' || cost === null)
    return false;
  const counts = usage as Record<string, unknown>;
  const money = cost as Record<string, unknown>;
  return (
    USAGE_FIELDS.every(
      (field) => Number.isSafeInteger(counts[field]) && (counts[field] as number) >= 0,
    ) &&
    money['currency'] === 'USD' &&
    COST_FIELDS.every((field) => money[field] === null || isAmount(money[field]))
  );
}

/** The token counts a usage holds (an `AgentUsage`'s keys). */
const USAGE_FIELDS = Object.keys(emptyUsage());
const COST_FIELDS = ['total', 'input', 'cachedInput', 'output', 'thinking'] as const;
/** A cost's amount as `writeCost` writes it: a decimal string of dollars. */
const isAmount = (value: unknown): boolean =>
  typeof value === 'string' && value.length <= 64 && /^\d+(\.\d+)?$/.test(value);

/** Whether `plugin.ownErrors` claims `error` (only `true` does; a throw does not). */
function owns(plugin: AgentPlugin, error: unknown): boolean {
  if (plugin.ownErrors === undefined) return false;
  try {
    return plugin.ownErrors(error) === true;
  } catch {
    return false;
  }
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

/** Where in the run an abort during each hook outside the tool path falls. */
const ABORT_PHASES: { readonly [Hook in PluginHookName]?: AbortPhase } = {
  startRun: 'between-steps',
  checkInput: 'model-call',
  checkAnswer: 'between-steps',
  beforeModelCall: 'model-call',
  wrapModelCall: 'model-call',
  afterModelCall: 'model-call',
  afterAnswer: 'between-steps',
};
