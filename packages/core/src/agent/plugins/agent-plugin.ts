import type { AgentStep, AgentUsage } from '../../run/agent-result.ts';
import type { GuardrailCheckRecord, GuardrailPhase } from '../../run/guardrail-check-record.ts';
import type { Content } from '../../wire/content.ts';
import type { AgentEvent, AgentPath } from '../agent-event.ts';
import type { AnswerDraft, AnswerRewrite } from './hooks/answer-hook.ts';
import type { InputCheck, InputDraft } from './hooks/input-hook.ts';
import type {
  HandOffAgent,
  HandOffOutcome,
  ModelCallChange,
  ModelCallDraft,
  StepOutcome,
} from './hooks/model-call-hook.ts';
import type {
  ToolCallAsk,
  ToolCallCheck,
  ToolCallDecision,
  ToolCallDraft,
  ToolExecution,
  ToolExecutionDraft,
  ToolResultChange,
  ToolResultDraft,
} from './hooks/tool-call-hook.ts';
import type { WrapModelRequest } from './model-requests/model-requests.ts';
import type { SideModelRequest, SideModelResult } from './run-view/side-model-call.ts';

export type { AnswerDraft, AnswerRewrite } from './hooks/answer-hook.ts';
export type { InputCheck, InputDraft, InputRewrite } from './hooks/input-hook.ts';
export type {
  FinishOutcome,
  HandOffAgent,
  HandOffOutcome,
  ModelCallChange,
  ModelCallDraft,
  StepOutcome,
} from './hooks/model-call-hook.ts';
export type {
  ToolCallAsk,
  ToolCallCheck,
  ToolCallDecision,
  ToolCallDraft,
  ToolExecution,
  ToolExecutionDraft,
  ToolResultChange,
  ToolResultDraft,
} from './hooks/tool-call-hook.ts';

/**
 * The hooks a plugin may have, by name: what a plugin lists in {@link AgentPlugin.recorded}, what
 * a durable runner records, and what errors and spans name.
 */
export type PluginHookName =
  | 'startRun'
  | 'endRun'
  | 'wrapEvents'
  | 'checkInput'
  | 'beforeModelCall'
  | 'wrapModelCall'
  | 'afterModelCall'
  | 'checkAnswer'
  | 'afterAnswer'
  | 'beforeToolCall'
  | 'checkToolCall'
  | 'wrapToolCall'
  | 'afterToolCall';

/**
 * What a hook is given about the run it takes part in: who runs, where in the tree, what the run
 * holds so far, and the two ways a plugin acts on the run besides its return values ({@link
 * PluginRun.emit} and {@link PluginRun.finish}). One per plugin and run; `state` is the plugin's
 * own, as its `startRun` returned it. In a durable run a tool hook's call may be given an object
 * of the call's own for that run (a `recorded` tool hook, and a `wrapToolCall`: what it reports
 * while the tool runs is kept with the tool's step), with the same state and run: key what a
 * plugin keeps per run by something other than this object's identity.
 */
export interface PluginRun<State = unknown> {
  /** The plugin's state for this run: what its `startRun` returned (`undefined` without one). */
  readonly state: State;
  /**
   * The name of the agent holding the run (its `name` option, else `'agent'`): after a hand-off,
   * the receiving agent's. Read it at each hook: a plugin made for one agent (its cache, its
   * prices) steps aside while another holds the run.
   */
  readonly agentName: string;
  /** The model of the agent holding the run (the receiving agent's after a hand-off). */
  readonly model: string;
  /** Where the run sits in its tree: `[]` for a top run, a subagent's path below it. */
  readonly path: AgentPath;
  /** Whether the run's model calls are streamed (`agent.stream()`). */
  readonly streaming: boolean;
  /** The chat session's id when the run is a chat turn. */
  readonly conversationId: string | undefined;
  /** The run's signal: a plugin that waits (a network call, a timer) stops when it aborts. */
  readonly signal: AbortSignal;
  /**
   * The history so far, verbatim (read it; never change it: return a change instead). A frozen
   * copy of the run's list, the same one until the history changes: pushing, splicing or
   * emptying it throws a `TypeError` (the hook's `PluginError`) and the run keeps its history.
   */
  readonly contents: readonly Content[];
  /** The steps so far: a frozen copy, as `contents` is. */
  readonly steps: readonly AgentStep[];
  /** What the run's own model calls used so far: a frozen copy, read anew at each access. */
  readonly usage: Readonly<AgentUsage>;
  /**
   * The run's plugins now, in the order their before-hooks run: those the runs above handed down
   * (`inherit`), the agent's, the run's own, then the companions they bring. A hand-off puts the
   * receiving agent's in the place of the agent's. Read it at each hook (it changes with a
   * hand-off or a plugin that joins late); a plugin given at several levels (a policy a parent
   * sets, the agent's, a chat session's) finds its layers here, in that order. It is frozen:
   * changing it throws a `TypeError` and the run keeps its plugins.
   */
  readonly plugins: readonly AgentPlugin[];
  /**
   * Calls the model once on the side of the run (a summary, a classifier's verdict, a memory's
   * extraction): the request goes through the model entry of the agent holding the run (its
   * client: key, base URL, retries, transport; its `wrapModelRequest` plugins) with the run's
   * call options, so it stops when the run is aborted; `model` left out is that agent's. What it
   * used and cost joins the run's (`result.usage`, the cost a chat and the spans report) and the
   * run tree's `budget`, priced at the request's model. It is no step of the run: no step event,
   * nothing in the history; report what you did with `run.emit`. In a durable run the client
   * records the call as its own step (called from a `recorded` hook, it is part of that hook's
   * record). Rejects with the client's errors (`ApiError`, an abort), which end the run as the
   * hook's `PluginError` unless the hook catches them.
   */
  generate(request: SideModelRequest): Promise<SideModelResult>;
  /**
   * Reports something the plugin did: a `plugin` event on the run's stream (with the run's path
   * and the plugin's name), and on the run's spans and recording. `kind` is a non-empty string
   * of at most 64 characters (a number is taken as its text), redacted as a check's reason is;
   * anything else throws an `InvalidArgumentError`. `data` must be JSON; keep secrets out of it
   * (nothing redacts a plugin's own data). In a `recorded` hook of a durable run the reports are
   * stored with the hook's result and emitted again by a replay; a recorded tool hook's go out just
   * before its call's `tool-result` or `tool-error` event (call order), on the first run too.
   */
  emit(kind: string, data?: unknown): void;
  /**
   * Reports one check the plugin made (a policy's verdict on the input, the answer, a call or its
   * result) as a `guardrail` event with the run's path: the kind the stream, the spans, the
   * recorder, `gemloop view` and evals already read, so a third party's checks show where the
   * built-in guardrails' do. Only the record's fields reach the event (other keys of the object
   * are left out); its texts (`name`, `reason`, `toolName`, `toolCallId`) are redacted by the
   * run's redactor here, where the event is made, and cut at 1,000 characters; the checked value
   * never belongs in it. Nothing is built when nobody receives the run's events (`run()` without
   * observers).
   * @throws `InvalidArgumentError` (the hook's `PluginError`) for a check that is not one: an
   *   empty `name`, an unknown `phase` or `verdict`, a step or times that are not numbers, tool
   *   fields that are not strings, a `type` or `path` of its own.
   */
  reportCheck(check: GuardrailCheckRecord): void;
  /**
   * Ends the run once the current step is over, with `finishReason: 'plugin'` and
   * `stoppedBy: { plugin, reason }` on the result. Calls of the current turn not yet started are
   * answered "not run" (so the history stays valid and a chat can go on from it).
   */
  finish(reason: string): void;
  /**
   * Adds user contents to the history now, to stay (a steer, a follow-up question; unlike
   * `beforeModelCall`'s `contents`, which are sent for one call only). After the run's first
   * model call they meet the run's input guardrails first, as its input did (before it, that
   * first call's check covers them). Resolves to what joined the history (a guardrail's rewrite,
   * or the contents as given), or `undefined` when the run was aborted during the check
   * (nothing joined).
   * @throws `GuardrailTrippedError` (`phase: 'input'`) when a guardrail blocks them: nothing
   *   joined, and the run ends with that error once the hook returns it. `InvalidArgumentError`
   *   (nothing joined, the history as it was) for what is not a list of user turns the API takes
   *   as JSON: a model turn, a function call or response, empty parts, a cycle, a part that
   *   cannot be read; and from a tool hook, while the model's function calls wait for their
   *   responses, where a user turn would split the calls from their responses: add it from the
   *   next step's `beforeModelCall` instead.
   */
  addInput(contents: readonly Content[]): Promise<readonly Content[] | undefined>;
  /**
   * Stops the run as a guardrail does: throws a `GuardrailTrippedError` (from
   * `@gemloop/core/errors`) with these fields, which ends the run as it is (not wrapped in a
   * `PluginError`). From a tool hook the turn's other calls are answered first, as for a tool
   * guardrail's `throw`. In a `recorded` hook the trip is stored as data (the verdict, not the
   * error), so a durable run replays it as the same typed error with the same fields, without
   * calling the hook again. `guardrailName` and `reason` are redacted by the run's redactor.
   */
  trip(trip: PluginTrip): never;
  /**
   * The messages waiting on `topic` for this run, oldest first, taken (a second call does not
   * see them again): what an application sent to the running run on that topic (in process
   * `stream.send(topic, value)` or a steering controller's `send`; in a durable run
   * `runs.send(runId, topic, value)` from any process, read with `DBOS.recv`, which DBOS records,
   * so a run taken over after a crash receives the same messages at the same place, once).
   *
   * It never waits: `[]` when nothing is there. A step boundary must not stall the run (the model
   * call, the answer and every other plugin wait on it), and a wait would need the run's abort
   * and a durable replay to agree on when it ended; a plugin that waits for a person asks
   * (`{ type: 'ask' }`) or ends the run (`finish`) and is run again.
   *
   * Call it from a hook at a step boundary that is not `recorded` (`startRun`,
   * `beforeModelCall`, `afterModelCall`, `checkAnswer`, `afterAnswer`, `endRun`); from a tool
   * hook, a wrapper or a recorded hook it rejects with an `InvalidArgumentError` (the hook's
   * `PluginError`): a turn's calls run at once, and a recorded hook's result is already a
   * record. A subagent's run receives nothing (`[]`): messages go to the run the application
   * holds a handle or id of. Each value is plain JSON data of its own (a copy); one that is not,
   * or is over 256 KB of JSON, is dropped. What was received and dropped shows as a `plugin`
   * event of kind `received` (`{ topic, values, dropped }`, redacted by the run's redactor).
   * @throws `RunMessageError` (rejects) `invalid-topic` for a topic that is not 1 to 100
   *   letters, digits, `.`, `_` or `-`, or one of gemloop's own (`gemloop.…`).
   */
  receive(topic: string, options?: ReceiveOptions): Promise<readonly unknown[]>;
}

/** Options of {@link PluginRun.receive}. */
export type ReceiveOptions = {
  /**
   * The most messages taken by this call; the rest wait for the next.
   * @defaultValue 32 (the most that wait on a topic)
   */
  readonly max?: number | undefined;
};

/** Why a plugin stopped the run ({@link PluginRun.trip}): the fields of the `GuardrailTrippedError`. */
export type PluginTrip = {
  /** The guardrail (or policy) that stopped the run: the error's `guardrailName`. */
  readonly guardrailName: string;
  /** What it checked: the run's input, its answer, a call's arguments or its result. */
  readonly phase: GuardrailPhase;
  /** Why: the error's `reason`. */
  readonly reason: string;
};

/**
 * What the run emits, as `wrapEvents` sees it: the run's own events and its subagents' (their
 * `path` is longer than the run's).
 */
export type EmitRunEvent = (event: AgentEvent<unknown>) => void | Promise<void>;

/**
 * One plugin: a name and any hooks it needs. Hooks are resolved once per agent into lists, so a
 * hook no plugin has costs the loop nothing. Before-hooks run in registration order, after-hooks
 * in reverse, and wrappers nest with the first registered outermost (as vercel/ai's
 * `wrapLanguageModel` and LangChain's middleware compose); the first hook that decides something
 * (returns a value) ends its chain, as ADK's plugin manager does. A hook that throws ends the run
 * with a `PluginError` naming the plugin and the hook.
 *
 * Write one with `definePlugin`, which infers `State`. See docs/writing-a-plugin.md.
 */
export interface AgentPlugin<State = unknown> {
  /** Names the plugin in events, spans, errors and durable records; unique among a run's plugins. */
  readonly name: string;
  /**
   * Hooks whose results are not deterministic (a verdict, a summary, a model's answer, a clock
   * read): a durable runner (`@gemloop/dbos`) records each such call as one step, and a replay
   * gets the recorded result instead of calling the hook again.
   */
  readonly recorded?: readonly PluginHookName[] | undefined;
  /**
   * The run's state is plain JSON data that the `recorded` hooks change: each recorded call stores
   * the state it left beside its result, and a replay restores it, so a hook that runs fresh after
   * the replayed ones (a durable run resumed mid-way) finds the state they built. Without it a
   * replayed hook's changes to the state are lost (its body does not run). A state JSON would
   * change (a `Set`, `Map`, `Date`, class instance, function, `NaN`, BigInt or cycle) fails the
   * recorded call with a `PluginError` naming the place.
   */
  readonly recordedState?: boolean | undefined;
  /**
   * Also apply the plugin to the subagents this agent's runs start (a policy over the whole tree,
   * such as masking what tools return); its hooks then run in the child's run too, with a state of
   * their own.
   */
  readonly inherit?: boolean | undefined;
  /**
   * Where the plugin sits among the run's plugins. `'first'`: before every plugin of the run that
   * does not ask for it, so its before-hooks and checks run first (it sees the input, the answer
   * or the call before any other plugin rewrites it), its after-hooks last and its wrappers
   * outermost. Left out: registration order. The run's plugins come in levels (those a parent hands
   * down with `inherit`, the agent's, the run's own, e.g. a chat session's or `run(input, {
   * plugins })`'s); the plugins that ask to be first keep that order among themselves, and so do
   * the others: a `'first'` plugin given to a run comes before every plugin of the agent that is
   * not `'first'`, after the agent's that are. Read wherever the run's list is made: an agent's
   * plugins, a run's own, a subagent's, the receiving agent's after a hand-off, a plugin that
   * joins late (its `wrapEvents` then wraps inside the ones already there). The built-ins that
   * must see what the others see first use it: compaction (every other `beforeModelCall` gets the
   * compacted history) and the input and output guardrails (every other `checkInput` and
   * `checkAnswer` gets their rewrite). Not for a companion, which always comes last.
   */
  readonly order?: 'first' | undefined;
  /**
   * Plugins this one brings to every run it is in (an agent's, a run's own, or handed down by
   * `inherit`), placed after all of the run's other plugins, once each however many plugins
   * bring them: so their `checkToolCall` runs after every other plugin's, and their
   * `afterToolCall` before (after-hooks run in reverse). A hand-off keeps them while a plugin of
   * the run still brings them. A policy given at several levels is one companion that reads its
   * layers (hook-less plugins that carry each level's settings) from `run.plugins`.
   */
  readonly companions?: readonly AgentPlugin[] | undefined;
  /**
   * The agents this plugin may hand a run to (`{ type: 'hand-off', to }`), by the name each goes
   * by: in the `handoff` event, `result.handoffs`, a chat session's stored turns and a durable
   * worker's keys. Declared, they are known before any run: the doors and observers hold back
   * their clients' keys from the first event, a chat session (a new one over the stored history
   * too) and a durable chat turn send the next message to the agent holding the conversation,
   * and a durable worker prepares its copies of them. A hand-off to an agent not declared here
   * (or under another name) ends the run with a `PluginError` naming the plugin and the agent.
   * `definePlugin` checks each is an agent made by `createAgent`; the `handoff()` tools declare
   * theirs here too. A function returning them is read when they are needed (each time): for
   * agents made after the plugin, as in a cycle (A hands to B, B's plugin back to A).
   *
   * @example
   * ```ts
   * definePlugin({ name: 'router', receivers: { billing },
   *   afterAnswer: (answer) => /invoice/.test(answer.text) ? { type: 'hand-off', to: billing, contents } : undefined });
   * ```
   */
  readonly receivers?:
    | Readonly<Record<string, HandOffAgent>>
    | (() => Readonly<Record<string, HandOffAgent>>)
    | undefined;
  /**
   * Names the plugin's own typed errors: what one of its hooks throws that this returns `true` for
   * ends the run as it is (the caller catches your `QuotaExceededError`, not a `PluginError` whose
   * `cause` it is). Anything else it throws (and everything, if this is left out, returns another
   * value or throws) ends the run as a `PluginError` naming the plugin and the hook. The error is
   * passed on with the client's secrets redacted, as a `PluginError`'s `cause` is: the value itself
   * when it holds none, otherwise a copy that keeps its prototype (`instanceof` and `isInstance`
   * still hold). Not asked about the run's own end travelling through a hook (its abort, a
   * `run.trip`, another plugin's `PluginError`), which passes on as it is anyway. The built-ins use
   * it: steering (a queue another run holds), the prompt cache (`ModelCallError`), compaction
   * (`ContextWindowError`, `CompactionError`).
   */
  readonly ownErrors?: ((error: unknown) => boolean) | undefined;
  /**
   * Rewrites the message the model gets when a tool throws (`context.defaultMessage` is what it
   * would get otherwise: the error's class and message, redacted). The last plugin of the run
   * that has one rewrites (the innermost level: the run's own over the agent's). It must return
   * a string; a throw or another value sends the default, with a warning. What it returns is
   * sent without stack frames (`    at ...` lines), cut at 1,000 characters, the client's key
   * redacted.
   */
  readonly rewriteToolError?:
    | ((
        error: unknown,
        context: { toolName: string; toolCallId: string; defaultMessage: string },
      ) => string)
    | undefined;
  /** Once per run, before the first step: returns the plugin's state for the run. */
  startRun?(run: PluginRun<undefined>): State | Promise<State>;
  /**
   * Once per run, however it ended; `error` is set when it failed. Also when the plugin leaves a
   * run that goes on: a hand-off gave the run to an agent that does not have it (`handedOff:
   * true`; `run.agentName` already names the receiving agent). A plugin that writes something
   * about the whole run (a report, a bill) does it only when `handedOff` is not set.
   */
  endRun?(
    run: PluginRun<State>,
    end: { readonly error?: unknown; readonly handedOff?: boolean },
  ): void | Promise<void>;
  /**
   * User input before it joins the history: the run's own (once, at its first model step, before
   * `beforeModelCall`) and what any plugin adds with `run.addInput` (a steer), each plugin's check
   * in registration order on what the one before left (an input guardrail's place). Rewrite it
   * (`{ contents }`, user turns), stop the run (`run.trip` with `phase: 'input'`: no model call is
   * made, nothing added joins), let the first call run beside a verdict still to come
   * (`{ beside }`, see {@link InputCheck}), or pass it (`undefined`).
   */
  checkInput?(
    input: InputDraft,
    run: PluginRun<State>,
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook with no return is inferred `void`
  ): void | InputCheck | Promise<void | InputCheck>;
  /**
   * Wraps what the run emits, once per run, after the plugins' `startRun` (so `run.state` is the
   * plugin's) and before its first step: returns the function the run's events (and its
   * subagents', whose `path` is longer than `run.path`) go through instead of `emit` (hold a
   * stream's text until a check passed it, drop or reshape events before the stream, the
   * observers and the recorder see them). Call `emit` to pass an event on, and return its promise
   * (a slow reader's backpressure). The first registered is outermost. Not called for a run
   * whose events nobody receives (`run()` without observers), for a plugin that joins a run late,
   * nor after a hand-off (the run's events keep the wrapping they had); a run without such a
   * plugin calls nothing. What the returned function throws, or its promise rejects with, ends
   * the run as the plugin's `PluginError` (hook `wrapEvents`) at the run's next boundary (after
   * the model call under way, before its calls run; after a turn's calls are answered; at the
   * run's end, a throw at `run-end` included), its history whole. A rejection at `run-end`,
   * which nothing waits on (a unary run waits on no event), comes after the run is over: dropped.
   */
  wrapEvents?(emit: EmitRunEvent, run: PluginRun<State>): EmitRunEvent;
  /** Before each model call: other contents to send, or the end of the run. */
  beforeModelCall?(
    call: ModelCallDraft,
    run: PluginRun<State>,
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook with no return is inferred `void`
  ): void | ModelCallChange | Promise<void | ModelCallChange>;
  /**
   * Around each model call: call `next` (zero, one or several times: a fallback, a cache) and
   * return a step. The step's events (deltas) are emitted by `next`; in a stream whose step called
   * the model more than once, a `guardrail-retraction` named after the plugin that called `next`
   * again then sets the step's shown text to the returned step's `text`.
   */
  wrapModelCall?(
    call: ModelCallDraft,
    next: (call: ModelCallDraft) => Promise<AgentStep>,
    run: PluginRun<State>,
  ): Promise<AgentStep>;
  /**
   * Around the agent's model requests, one level below `wrapModelCall`: given `next` (the client's
   * entry, or the next plugin's), returns the entry the agent sends each request through (record,
   * rewrite or route them; answer them on another API, as `interactionsApi()` does). Called once
   * per agent, not per run; each call of the entry is one request (a long-decode answer's
   * continuation hops are one each), streamed (`stream`) or unary (`generate`). Applies to the
   * agent it is given to (`createAgent({ plugins })`), not to a run's own plugins nor, inherited,
   * to a subagent (give it to the subagent's agent too). See docs/writing-a-plugin.md.
   */
  readonly wrapModelRequest?: WrapModelRequest | undefined;
  /**
   * After each model call, before its calls run: counting, pricing, a finish (`run.finish`). It
   * returns nothing: a step outcome returned here (`{ type: 'finish' }`, as `beforeModelCall`
   * takes) ends the run as its `PluginError`, saying to call `run.finish(reason)`.
   */
  afterModelCall?(step: AgentStep, run: PluginRun<State>): void | Promise<void>;
  /**
   * The answer the run would end with, before it joins the history and `onStepEnd` runs (an
   * output guardrail's place): rewrite what the caller gets (`{ text, output? }`), stop the run
   * (`run.trip` with `phase: 'output'`), or pass it (`undefined`). Each plugin's check runs in
   * order and sees the text the one before it left. On a stream the text already sent is
   * retracted (`guardrail-retraction`, named after the plugin; `''` for a trip).
   */
  checkAnswer?(
    answer: AnswerDraft,
    run: PluginRun<State>,
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook with no return is inferred `void`
  ): void | AnswerRewrite | Promise<void | AnswerRewrite>;
  /** After an answer (a step without calls): end here, or run again with more contents. */
  afterAnswer?(
    answer: AnswerDraft,
    run: PluginRun<State>,
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook with no return is inferred `void`
  ): void | StepOutcome | Promise<void | StepOutcome>;
  /**
   * Before a function call runs (before its arguments are parsed, approvals and guardrails):
   * other arguments, a result, a denial, or an `ask` for a person's approval.
   */
  beforeToolCall?(
    call: ToolCallDraft,
    run: PluginRun<State>,
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook with no return is inferred `void`
  ): void | ToolCallDecision | Promise<void | ToolCallDecision>;
  /**
   * After a call's arguments parsed (`call.input`, what `execute` would get), before the tool
   * guardrails and the approval hook: a policy on what the call does (a tool guardrail's
   * `before`). Deny it, ask a person ({@link ToolCallAsk}), stop the run (`run.trip`), or let it
   * go on (`undefined`). Every plugin's check runs, in order, until one denies: after an ask the
   * later checks still run (a denial or trip wins; the first ask's `askedBy` is kept), so the
   * tool guardrails, the run's last check, judge a call a plugin asked about. Not called for a
   * call `beforeToolCall` answered or denied, nor for one whose arguments did not parse.
   */
  checkToolCall?(
    call: ToolExecutionDraft,
    run: PluginRun<State>,
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook with no return is inferred `void`
  ): void | ToolCallCheck | Promise<void | ToolCallCheck>;
  /** Around the tool's `execute` (after approvals): time it, cache it, run it elsewhere. */
  wrapToolCall?(
    call: ToolExecutionDraft,
    next: () => Promise<ToolExecution>,
    run: PluginRun<State>,
  ): Promise<ToolExecution>;
  /**
   * After a tool returned, before its result goes to the model: return `{ result }` to send
   * another (masked, shortened, annotated), or a {@link HandOffOutcome} to give the run to
   * another agent once the turn's calls are answered (the model gets the result as it is; a
   * handoff tool's plugin does this). The first hand-off of a turn is taken; a later one's call
   * is answered that it was not made. A hand-off does not end the chain: the hooks after it may
   * still change the result. Calls that failed are not shown.
   */
  afterToolCall?(
    result: ToolResultDraft,
    run: PluginRun<State>,
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook with no return is inferred `void`
  ): void | ToolResultChange | Promise<void | ToolResultChange>;
}
