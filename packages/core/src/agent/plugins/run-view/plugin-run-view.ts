import { InvalidArgumentError } from '../../../errors/invalid-argument-error.ts';
import { validateHistory } from '../../../history/validate-history.ts';
import { describeValue } from '../../../options/define-options.ts';
import type { AgentCacheReport } from '../../../run/agent-cache-report.ts';
import type { AgentRunState, AgentStep, AgentUsage } from '../../../run/agent-result.ts';
import type { GuardrailCheckRecord } from '../../../run/guardrail-check-record.ts';
import type { SteeringReport } from '../../../run/steering-report.ts';
import type { Content } from '../../../wire/content.ts';
import type { AgentPath, UntaggedAgentEvent } from '../../agent-event.ts';
import { GuardrailTrippedError } from '../../errors/guardrail-tripped-error.ts';
import { spentTreeBudget } from '../../run-state/spent-tree-budget.ts';
import type { TreeBudget } from '../../run-state/tree-budget.ts';
import type { AgentPlugin, PluginRun, PluginTrip, ReceiveOptions } from '../agent-plugin.ts';
import { ownContentList } from '../hook-chains/hook-result-fields.ts';
import type { StepReportSink } from '../hook-chains/tool-step-reports.ts';
import { type ReceivingRun, receiveMessages } from '../messages/receive-messages.ts';
import type { RunInbox } from '../messages/run-messages.ts';
import {
  finishReason,
  isContentList,
  MAX_KIND_LENGTH,
  type PluginReport,
} from '../plugin-results.ts';
import { generateForRun, type SideSpend } from './run-generate.ts';
import type { RunServices } from './run-services.ts';
import type { SideModelRequest, SideModelResult } from './side-model-call.ts';

/**
 * Runs a plugin hook whose result is not deterministic as one recorded step (`recorded`): a
 * durable runner stores `call`'s result under `name` and, on a replay, returns the stored result
 * without calling it. The result is JSON. `undefined`: hooks run as they are. @internal
 */
export type PluginHookRecorder = (name: string, call: () => Promise<unknown>) => Promise<unknown>;

/**
 * The agent `createAgent` made, as a hand-off's target is resolved from it (`registeredTurnsOf`,
 * handed in by the facade through the agent's runtime: the loop may not reach the facade, and
 * the seam's engine, which resolves hand-offs, would split the registry's reader into a chunk of
 * its own in every app's bundle). Typed loosely here, below the agent. @internal
 */
export type TurnsOf = (agent: object) =>
  | {
      readonly name?: string | undefined;
      readonly handoffTarget?: ((name: string | undefined) => unknown) | undefined;
    }
  | undefined;

/** What the plugins of a run read about it (the loop's run state, seen through this). @internal */
export type PluginRunFacts = {
  /**
   * The agent holding the run now (another once a hand-off gave it the run): `PluginRun.agentName`
   * and `model` read its name and model.
   */
  readonly holder: () => {
    readonly name?: string | undefined;
    readonly model: string;
    /** Its `maxModelCallsPerStep` (the step's calls through the `wrapModelCall` hooks). */
    readonly maxModelCallsPerStep: number;
    /** What its model needs (a wrapper's call to another is signed for that one; Live: none). */
    readonly capabilities?: { readonly requiresThoughtSignatures: boolean };
    /** Its options resolved for another model (the config a wrapper's call to it is made with). */
    readonly forModel?:
      | ((model: string) => {
          readonly capabilities: { readonly requiresThoughtSignatures: boolean };
          /** The agent's own `cachedContent`, which only its own model can use. */
          readonly request?: { readonly cachedContent?: string | undefined };
        })
      | undefined;
  };
  readonly path: AgentPath;
  /**
   * Calls a hook (`body(argument)`) at the run's depth (`callAtDepth`): an `agent.run()` it makes
   * before its first `await` starts a run one deeper. `undefined`: called as it is.
   */
  readonly call?: (<A, T>(body: (argument: A) => T, argument: A) => T) | undefined;
  readonly streaming: boolean;
  readonly conversationId: string | undefined;
  /**
   * The chat session's history store when the run is a chat turn (see `LatePlugins`): two
   * conversations of one id in two stores are told apart by it (attack48a: a session-scoped
   * tool-result cache on a shared agent served one tenant's `main` to another's).
   */
  readonly conversation?: object | undefined;
  readonly signal: AbortSignal;
  readonly tracker: {
    readonly contents: readonly Content[];
    readonly steps: readonly AgentStep[];
    readonly usage: AgentUsage;
    state(): AgentRunState;
    /** What became of each steering message (the result's `steering`), kept by the steering plugin. */
    steering: SteeringReport[] | undefined;
    /** What the result's `cache` says, written by the `cache` option's plugin when the run ends. */
    cacheReport: AgentCacheReport | undefined;
    /** Whether the run's input met the `checkInput` hooks (its first model step). */
    inputChecked: boolean;
    /** Replaces the run's checked input ({@link newInput}) in the history. */
    replaceInput(contents: readonly Content[]): void;
    /**
     * The input the checks see: the contents after the history the run was given, or the user
     * turn a history given as the input ends with.
     */
    newInput(): Content[];
    /** Drops a compaction made of the old input when the input is rewritten (RunTracker). */
    restoreCompaction(mark: never): void;
    /**
     * Appends a content to the history as it is: what a recorded hook added (`run.addInput`),
     * put back on a replay, where the hook is not called (its checks passed on the first run).
     */
    append(content: Content): void;
  };
  /** The run's event receiver (observers read the run's events through it); `undefined` in a unary run without observers. */
  readonly emit: ((event: UntaggedAgentEvent<unknown>) => void | Promise<void>) | undefined;
  /**
   * Where the run's subagents' events go (the run link's `sink`, the events stamped with their
   * path); `undefined` when nothing listens. Wrapped with `emit` by the plugins' `wrapEvents`.
   */
  readonly sink?: ((event: UntaggedAgentEvent<unknown>) => void | Promise<void>) | undefined;
  /** Removes secrets from a hook's error message (the client's key redactor). */
  readonly redact: <T>(value: T) => T;
  readonly record: PluginHookRecorder | undefined;
  /** What the runner serves the run's tree (a durable runner's hand-off agents); `undefined` in process. */
  readonly services?: RunServices | undefined;
  readonly now: () => number;
  /** `PluginRun.addInput`: user contents into the history, through the input guardrails. */
  readonly addInput: (
    contents: readonly Content[],
    stepNumber: number,
  ) => Promise<readonly Content[] | undefined>;
  /** Whether an error ends the run as it is (an abort, the agent's `isRunEndingError`). */
  readonly isRunEnding: (error: unknown) => boolean;
  /**
   * The meter every run of the run's tree shares (`RunLink.budget`: the top run's `budget`
   * option, counted by the loop), read by the tree budget's plugin; `undefined` without one.
   */
  readonly treeBudget: TreeBudget | undefined;
  /** Resolves a hand-off's agent (see {@link TurnsOf}). */
  readonly turnsOf: TurnsOf;
  /**
   * The run's context as the agent holding it runs it (opaque here: the loop's `RunContext`), for
   * a built-in plugin doing work the loop did before it (compaction: the client, the run's call
   * options and meters). A third party's plugin has `PluginRun`.
   */
  readonly context: () => object;
};

/** What a plugin's view reads of the run (a part of `PluginRunFacts`). @internal */
export type PluginRunViewFacts = {
  readonly holder: PluginRunFacts['holder'];
  readonly path: AgentPath;
  readonly streaming: boolean;
  readonly conversationId: string | undefined;
  readonly signal: AbortSignal;
  readonly tracker: {
    readonly contents: readonly Content[];
    readonly steps: readonly AgentStep[];
    readonly usage: AgentUsage;
  };
};

/** Where a plugin's view reports and asks for the end of the run (the run's `RunPlugins`). @internal */
export type PluginRunOwner = ReceivingRun & {
  emit(plugin: string, kind: string, data: unknown): void;
  /** A plugin's check as a `guardrail` event (see `PluginRun.reportCheck`). */
  reportCheck(check: GuardrailCheckRecord): void;
  stop: { readonly plugin: string; readonly reason: string } | undefined;
  /** The step being made. */
  readonly stepNumber: number;
  /** The run's plugins now (see `PluginRun.plugins`). */
  readonly list: readonly AgentPlugin[];
  /** The run's facts, as a built-in plugin reads them (see {@link internalsOf}). */
  readonly facts: PluginRunFacts;
  /** Whether the run is over (a kept view's `generate` and `addInput` refuse). */
  readonly closed: boolean;
};

/**
 * What a built-in plugin reads of the run besides its public view: the run's tracker, event
 * receiver, observers and redactor, so it makes the typed events and result fields it always
 * made (`steer` events, `result.steering`). A third party's plugin reports with `run.emit`.
 * @internal
 */
export function internalsOf(run: PluginRun<unknown>): PluginRunFacts {
  return (run as unknown as { owner: PluginRunOwner }).owner.facts;
}

/**
 * Binds a run's inbox in process (a stream's or a steering controller's messages, see
 * `RunInbox`) to the run, for `run.receive`: the steering plugin, which carries the controller,
 * does it when the run starts. `inbox` is asked at each receive (the inbox is made on the first
 * message sent). @internal
 */
export function bindInbox(run: PluginRun<unknown>, inbox: () => RunInbox | undefined): void {
  (run as unknown as { owner: { inbox: () => RunInbox | undefined } }).owner.inbox = inbox;
}

/** What one plugin sees of the run (`PluginRun`). @internal */
export class PluginRunView implements PluginRun {
  state: unknown = undefined;
  /**
   * While one of this plugin's `recorded` boundary hooks runs in a durable run: what its
   * `run.addInput` calls added, stored with the hook's result so a replay adds it again
   * (`RunPlugins.call`).
   */
  adding: Content[] | undefined = undefined;
  /**
   * While one of this plugin's `recorded` boundary hooks runs in a durable run: the reports its
   * `run.emit` calls made, stored with the hook's result so a replay emits them again.
   */
  emitting: PluginReport[] | undefined = undefined;
  /**
   * While one of this plugin's `recorded` hooks runs in a durable run: what its `run.generate`
   * calls spent, stored with the hook's result so a replay counts it again (the run's usage and
   * cost, the tree's budget); on a tool hook's call, its own view's ({@link heldView}).
   */
  spending: SideSpend[] | undefined = undefined;
  /**
   * On the view of one call of a `recorded` tool hook in a durable run ({@link heldView}): its
   * reports, held (not emitted) until the call settles, then emitted before its result (see
   * `HeldToolReports`); the record stores them with the hook's result.
   */
  holding: PluginReport[] | undefined = undefined;
  /**
   * On the view of one call of a `wrapToolCall` or `wrapModelCall` that is not recorded, in a run
   * with a recorder ({@link stepView}): the call's in-step reports, which keep a copy of what it
   * emits while the runner's step runs the tool or the model call (`ToolStepReports`,
   * `ModelStepReports`), and may hold a report back.
   */
  stepReports: StepReportSink | undefined = undefined;
  /** How many of this plugin's `recorded` tool hooks run now: `addInput` refuses meanwhile. */
  recordedToolHooks = 0;
  private readonly name: string;
  /** Read by {@link internalsOf}. */
  private readonly owner: PluginRunOwner;
  private readonly facts: PluginRunViewFacts;
  constructor(name: string, owner: PluginRunOwner, facts: PluginRunViewFacts) {
    this.name = name;
    this.owner = owner;
    this.facts = facts;
  }
  get agentName(): string {
    return this.facts.holder().name ?? 'agent';
  }
  get model(): string {
    return this.facts.holder().model;
  }
  get path(): AgentPath {
    return this.facts.path;
  }
  get streaming(): boolean {
    return this.facts.streaming;
  }
  get conversationId(): string | undefined {
    return this.facts.conversationId;
  }
  get signal(): AbortSignal {
    return this.facts.signal;
  }
  // The history, steps and usage as frozen copies, not the run's own array and object: a hook
  // that pushed a turn into `run.contents` had it sent and kept (a forged answer, a user turn no
  // input check saw), and one that emptied `run.steps` or wrote `run.usage` changed the result
  // (run68). A change now throws a TypeError (its PluginError). A copy serves until the run's
  // list changes (checked by identity: a hand-off and an input rewrite replace entries in place).
  get contents(): readonly Content[] {
    this.history = frozenCopy(this.history, this.facts.tracker.contents);
    return this.history;
  }
  get steps(): readonly AgentStep[] {
    this.stepList = frozenCopy(this.stepList, this.facts.tracker.steps);
    return this.stepList;
  }
  get usage(): Readonly<AgentUsage> {
    return Object.freeze({ ...this.facts.tracker.usage });
  }
  get plugins(): readonly AgentPlugin[] {
    // Frozen (resolvePlugins freezes the lists it makes, shared by an agent's runs): a plugin
    // that tries to change it (push, splice, length = 0) gets a TypeError and the run keeps its
    // plugins. A list made otherwise is copied, once per list.
    const list = this.owner.list;
    if (Object.isFrozen(list)) return list;
    if (this.listed?.of !== list) this.listed = { of: list, copy: Object.freeze([...list]) };
    return this.listed.copy;
  }
  /** The frozen copy {@link plugins} gave, and the run's list it copies. */
  private listed: { of: readonly AgentPlugin[]; copy: readonly AgentPlugin[] } | undefined;
  /** The last copies of the run's history and steps given (see `contents`). */
  private history: readonly Content[] | undefined;
  private stepList: readonly AgentStep[] | undefined;
  emit(kind: string, data?: unknown): void {
    // A kind names the report (its event's `kind`, a span event's name): a short string (a
    // number as its text). An object's `toString` could say anything (a secret), and an empty or
    // huge kind names nothing.
    const named: unknown = typeof kind === 'number' ? String(kind) : kind;
    if (typeof named !== 'string' || named === '' || named.length > MAX_KIND_LENGTH)
      throw new InvalidArgumentError({
        argument: 'run.emit',
        message: `run.emit() (plugin "${this.name}") takes a kind: a non-empty string of at most ${MAX_KIND_LENGTH} characters, e.g. run.emit('masked', { count: 2 }); got ${describeValue(kind)}.`,
      });
    const redacted = this.owner.facts.redact(named);
    const report = data === undefined ? { kind: redacted } : { kind: redacted, data };
    if (this.holding !== undefined) {
      this.holding.push(report);
      return;
    }
    // Held by a model step that does not yet know whether it replays (`ModelStepReports`).
    if (this.stepReports?.note(this.name, report) === false) return;
    this.emitting?.push(report);
    this.owner.emit(this.name, redacted, data);
  }
  async generate(request: SideModelRequest): Promise<SideModelResult> {
    if (typeof request !== 'object' || request === null || Array.isArray(request))
      throw new InvalidArgumentError({
        argument: 'run.generate',
        message: `run.generate() (plugin "${this.name}") takes a request such as { contents: 'Summarize: ...' }; got ${describeValue(request)}.`,
      });
    if (this.owner.closed) throw this.over('run.generate');
    // The tree's budget bounds a plugin's calls as it does the run's steps: none once spent.
    const facts = this.owner.facts;
    const budget = facts.treeBudget;
    const spent =
      budget === undefined
        ? undefined
        : spentTreeBudget(budget, this.path, () => facts.tracker.state());
    if (spent !== undefined) throw spent;
    const result = await generateForRun(
      facts.context() as Parameters<typeof generateForRun>[0],
      request,
    );
    this.spending?.push({ usage: result.usage, cost: result.cost });
    return result;
  }
  reportCheck(check: GuardrailCheckRecord): void {
    this.owner.reportCheck(check);
  }
  finish(reason: string): void {
    this.owner.stop ??= { plugin: this.name, reason: finishReason({ reason: String(reason) }) };
  }
  addInput(given: readonly Content[]): Promise<readonly Content[] | undefined> {
    // The run's own copy, read once (the list, each content's fields, its parts): the plugin's
    // list, checked and then added, could throw a getter's words at the request's build or send
    // other parts than the check saw.
    let contents: unknown;
    try {
      contents = ownContentList(given);
    } catch {
      return Promise.reject(
        new InvalidArgumentError({
          argument: 'run.addInput',
          message: `run.addInput() (plugin "${this.name}") was given contents that cannot be read (a getter or a proxy trap threw); pass plain contents, e.g. [{ role: 'user', parts: [{ text: '...' }] }].`,
        }),
      );
    }
    // What joins the history stays in it (a chat goes on from it): a string would join as one
    // content per character, a null or a model turn as a history Gemini refuses.
    if (!isUserInput(contents))
      return Promise.reject(
        new InvalidArgumentError({
          argument: 'run.addInput',
          message: `run.addInput() (plugin "${this.name}") takes a list of user contents, e.g. [{ role: 'user', parts: [{ text: '...' }] }]; got ${describeValue(contents)}.`,
        }),
      );
    if (this.owner.closed) return Promise.reject(this.over('run.addInput'));
    const adding = this.adding;
    if (this.recordedToolHooks > 0)
      return Promise.reject(
        new InvalidArgumentError({
          argument: 'run.addInput',
          message: `run.addInput() (plugin "${this.name}") cannot be called from a tool hook listed in \`recorded\`: a turn's calls run at once, so a replay could not put the contents back where they were. Add them from a boundary hook (beforeModelCall, afterAnswer; recorded or not), or leave the tool hook out of \`recorded\`.`,
        }),
      );
    // Mid tool turn (a tool hook): the history ends with the model's calls, and a user turn
    // appended now would split them from their responses, a history the API refuses (every later
    // request of the run, and a chat's, would fail).
    if (awaitsResponses(this.owner.facts.tracker.contents))
      return Promise.reject(
        new InvalidArgumentError({
          argument: 'run.addInput',
          message: `run.addInput() (plugin "${this.name}") cannot add contents while the model's function calls wait for their responses (from a tool hook): they would come between the calls and their responses, a history the API refuses. Add them from the next step's beforeModelCall or from afterAnswer.`,
        }),
      );
    const added = this.owner.facts.addInput(contents, this.owner.stepNumber);
    if (adding === undefined) return added;
    // A recorded hook's: what joined is stored with its result (a replay adds it again).
    return added.then((joined) => {
      if (joined !== undefined) adding.push(...joined);
      return joined;
    });
  }
  /** What a call of a view kept past its run's end is refused with. */
  private over(argument: string): InvalidArgumentError {
    return new InvalidArgumentError({
      argument,
      message: `${argument}() (plugin "${this.name}") was called after its run ended: the run's usage, cost and history are final. Call it from a hook while the run runs (endRun is the last).`,
    });
  }
  receive(topic: string, options?: ReceiveOptions): Promise<readonly unknown[]> {
    return receiveMessages(this.owner, this.name, topic, options);
  }
  trip(trip: PluginTrip): never {
    const { guardrailName, phase, reason } = (trip ?? {}) as Partial<PluginTrip>;
    const problem =
      typeof guardrailName !== 'string' || guardrailName === '' || guardrailName.length > 100
        ? 'guardrailName must be a non-empty string of at most 100 characters'
        : !PHASES.includes(phase as PluginTrip['phase'])
          ? `phase must be one of ${PHASES.join(', ')}`
          : typeof reason !== 'string'
            ? 'reason must be a string'
            : undefined;
    // Thrown in a hook, this ends the run as the hook's `PluginError` (naming plugin and hook).
    if (problem !== undefined)
      throw new InvalidArgumentError({ argument: 'run.trip', message: `run.trip(): ${problem}.` });
    throw tripError({ guardrailName, phase, reason } as PluginTrip, this.owner.facts);
  }
}

/**
 * The view one call of a `recorded` tool hook gets in a durable run: the plugin's view (its
 * state, its run), whose reports go to `holding` while the hook runs. Per call, not per plugin:
 * a turn's calls run at once, so one list on the plugin's view would mix their reports. The
 * caller clears `holding` once the hook is over, so what it emits later goes out at once.
 * @internal
 */
export function heldView(view: PluginRunView, holding: PluginReport[]): PluginRunView {
  const held = Object.create(view) as PluginRunView;
  held.holding = holding;
  return held;
}

/**
 * The view one call of a `wrapToolCall` (or one step's `wrapModelCall`) that is not recorded gets
 * in a run with a recorder: the plugin's view, whose reports also go to the call's in-step
 * reports while the runner's step runs the tool or the model call (a tool's still go out at once:
 * see `ToolStepReports`; a model call's wait while its step may be a replay: `ModelStepReports`). Per call, as
 * {@link heldView}: a turn's calls run at once. Its `state` is the plugin's (a hook that sets it
 * sets the plugin's run state, as through the plugin's own view).
 * @internal
 */
export function stepView(view: PluginRunView, reports: StepReportSink): PluginRunView {
  const called = Object.create(view) as PluginRunView;
  Object.defineProperty(called, 'state', {
    get: () => view.state,
    set: (state: unknown) => {
      view.state = state;
    },
  });
  called.stepReports = reports;
  return called;
}

/**
 * Whether two plugin runs are one run's: the same object, or views of one run's plugins (a call's
 * own view, {@link stepView} or {@link heldView}, is not the plugin's view object). What a
 * plugin that keeps runs by call (an MCP run link) compares when it asks whether the calls in
 * flight are one run's.
 * @internal
 */
export function isSameRun(one: PluginRun<unknown>, other: PluginRun<unknown>): boolean {
  return (
    one === other ||
    (one instanceof PluginRunView &&
      other instanceof PluginRunView &&
      (one as unknown as { owner: PluginRunOwner }).owner ===
        (other as unknown as { owner: PluginRunOwner }).owner)
  );
}

const PHASES: readonly PluginTrip['phase'][] = ['input', 'output', 'tool-input', 'tool-output'];

/**
 * The error a trip ends the run with (see `PluginRun.trip`): its name and reason redacted, holding the run
 * as it is now. @internal
 */
export function tripError(
  trip: PluginTrip,
  facts: Pick<PluginRunFacts, 'redact' | 'tracker'>,
): GuardrailTrippedError {
  return new GuardrailTrippedError({
    // Redacted as the reason is: both are a plugin's own words, shown in the error's message,
    // the events (Live's `tool-error`) and what the model is told of the stopped call.
    guardrailName: facts.redact(trip.guardrailName),
    phase: trip.phase,
    reason: facts.redact(trip.reason),
    run: facts.tracker.state(),
  });
}

/** `copy` while it holds what `live` holds (the same entries), else a new frozen copy of `live`. */
function frozenCopy<T>(copy: readonly T[] | undefined, live: readonly T[]): readonly T[] {
  if (copy?.length === live.length && copy.every((entry, index) => entry === live[index]))
    return copy;
  return Object.freeze(live.slice());
}

/** Whether the history ends with a model turn whose function calls are not answered yet. */
function awaitsResponses(contents: readonly Content[]): boolean {
  const last = contents.at(-1);
  return last?.role === 'model' && last.parts.some((part) => part.functionCall != null);
}

/**
 * Whether each of `contents` is a user turn the API takes (text, or parts with data) and JSON: a
 * function call, an unpaired response or a cycle would join the history and fail every later
 * request (a 400, a TypeError) that names no plugin; a part that cannot be read (a getter that
 * throws) is refused too.
 */
function isUserInput(contents: unknown): contents is readonly Content[] {
  try {
    return (
      isContentList(contents, true) &&
      contents.every(
        (content) =>
          content.parts.length > 0 &&
          content.parts.every(
            (part) =>
              typeof part === 'object' &&
              part !== null &&
              part.functionCall === undefined &&
              part.functionResponse === undefined,
          ) &&
          validateHistory([{ ...content, role: 'user' }]).length === 0 &&
          // JSON, as every request sends it: a cycle (or a BigInt) would fail the next request.
          JSON.stringify(content) !== undefined,
      )
    );
  } catch {
    return false;
  }
}
