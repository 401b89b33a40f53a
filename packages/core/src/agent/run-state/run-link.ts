import { CostTotal } from '../../models/cost-total.ts';
import { withDefaults } from '../../options/define-options.ts';
import type { AgentInput } from '../../run/agent-input.ts';
import type { AgentResult, AgentUsageByAgent } from '../../run/agent-result.ts';
import { isRunRecorder } from '../../telemetry/resolve-observers.ts';
import type { ParentCallInfo, RunObserver } from '../../telemetry/run-observer.ts';
import { versionRegistry } from '../../version.ts';
import type { AgentPath, UntaggedAgentEvent } from '../agent-event.ts';
import type { BeforeToolCallHook, RunOptions } from '../config/agent-options.ts';
import { TREE_BUDGET_DEFAULTS } from '../config/check-run-options.ts';
import type { AgentPlugin } from '../plugins/agent-plugin.ts';
import type { PluginHookRecorder } from '../plugins/run-plugins.ts';
import type { RunServices } from '../plugins/run-view/run-services.ts';
import { ChildSpend } from './child-spend.ts';
import type { EmitEvent } from './emit-event.ts';
import type { TreeBudget } from './tree-budget.ts';

export type { TreeBudget } from './tree-budget.ts';

/**
 * What a child run (a subagent called as a tool) takes from the run that called it: where its
 * events go and under which path, how its calls are approved, and the budget of the whole tree.
 * Built by {@link childRunParent} from the caller's {@link RunLink}; `runLoop` takes it as
 * `RunLoopOptions.parent`. A durable runner that starts children its own way builds the same
 * value. @internal
 */
export type ChildRunParent = {
  /** The child's own path in the tree, e.g. `['research', 'searcher#2']`. */
  readonly path: AgentPath;
  /** The top stream's receiver, `undefined` in a unary run (no events are built). */
  readonly sink: EmitEvent;
  /** The child streams its model calls when the top run does. */
  readonly streaming: boolean;
  /** The approval hook of the nearest run above that has one, for a child without its own. */
  readonly beforeToolCall: BeforeToolCallHook | undefined;
  /** The budget shared by every run of the tree, when the top run set one. */
  readonly budget: TreeBudget | undefined;
  /** The observed id of the run whose tool starts the child (recorder, `parentRunId`). */
  readonly parentRunId?: string | undefined;
  /** The tool call that starts the child (the recorder nests the child's file under it). */
  readonly parentCall?: ParentCallInfo | undefined;
  /**
   * The recorders of the runs above: a child run records into these besides its agent's own
   * `recorder` (if it has one and it is another), so the folder of a recorded tree holds all of
   * its children, whether their agents have a recorder or not.
   */
  readonly recorders?: readonly RunObserver[] | undefined;
  /**
   * How the children of this run start, when not in-process: a durable runner starts each as a
   * workflow of its own (`@gemloop/dbos`). Inherited down the tree; `undefined` runs them here.
   */
  readonly startChild?: ChildRunStarter | undefined;
  /**
   * What the child spends, counted as it goes, for the call that started it (see
   * {@link ChildSpend}): an in-process child counts into it, a durable runner adds what its child
   * workflow recorded. `undefined` for a top run.
   */
  readonly spend?: ChildSpend | undefined;
  /** The plugins the runs above hand down (`inherit: true`); `undefined` without any. */
  readonly plugins?: readonly AgentPlugin[] | undefined;
  /**
   * How the plugin hooks that say their results are not deterministic are recorded (a durable
   * runner's steps), inherited down the tree; `undefined`: they run as they are.
   */
  readonly recordHook?: PluginHookRecorder | undefined;
  /** What the runner serves the runs of the tree (a durable runner's hand-off agents), inherited down it. */
  readonly services?: RunServices | undefined;
  /**
   * How deep the child runs among the runs nested in-process ({@link RunLink.depth}); absent
   * (a durable runner's, a detached call's): its path's length.
   */
  readonly depth?: number | undefined;
};

/** Which call of its parent's turn starts a child run: the durable runner names the child by it. @internal */
export type ChildRunCall = {
  /** The subagent tool's name. */
  readonly toolName: string;
  /** The parent's step number (1-based). */
  readonly step: number;
  /** The call's 0-based place among the function calls of its model turn. */
  readonly callIndex: number;
  /** The model's call id (two calls of a turn may share one). */
  readonly toolCallId: string;
  /**
   * How many calls of the turn start child runs (this one included): they run at once, so a
   * durable runner, whose children cannot see each other's spending as it happens, gives each an
   * equal share of what is left of the tree budget. `undefined` counts as 1.
   */
  readonly turnChildren?: number | undefined;
};

/** What a {@link ChildRunStarter} is asked to start: the same values `startChildRun` takes. @internal */
export type ChildRunStart = {
  /** The child agent (an `Agent` of `createAgent`, or any object with `run`/`stream`). */
  readonly agent: object;
  readonly input: AgentInput;
  readonly options: ChildRunOptions;
  readonly parent: ChildRunParent;
  readonly call: ChildRunCall;
};

/**
 * Starts a child run in place of the in-process default, and answers with its result (a durable
 * runner: a child workflow). Given by the runner of the top run, not by users. @internal
 */
export type ChildRunStarter = (start: ChildRunStart) => Promise<AgentResult<unknown>>;

/** What a child run takes besides its input and parent. @internal */
export type ChildRunOptions = {
  /** The tool call's signal: the parent's abort (or the call's time limit) ends the child. */
  signal: AbortSignal;
  /** The slice of the parent's history the child starts from, if any. */
  history?: RunOptions['history'];
};

/** A run's place in its tree, handed to the tools that start child runs. @internal */
export type RunLink = ChildRunParent & {
  /** This run's id when it is observed. */
  readonly runId: string | undefined;
  /** The hook inherited from above (the parent's), for an agent this run is handed to. */
  readonly inheritedBeforeToolCall: BeforeToolCallHook | undefined;
  /** How many children of each name this run started, for `name#n` path segments. */
  readonly childNumbers: Map<string, number>;
  /** The own usage of each child run that ended, by path relative to this run. */
  readonly childUsage: AgentUsageByAgent[];
  /**
   * The meter of each subagent call of the current turn, by the call's place in the turn: the
   * loop reads it when the call ends (see `settleChildSpend`), however it ended.
   */
  readonly callSpend: Map<number, ChildSpend>;
  /** The current turn: how many of its calls start child runs (set before they start). */
  readonly turn: { children: number };
  /**
   * How many runs this one runs inside: 0 for a run nothing started, 1 more than its parent's for
   * a subagent's, 1 more than the run whose hook or tool called `agent.run()`/`agent.stream()`
   * (see `runningDepth`).
   */
  readonly depth: number;
};

/**
 * How deep runs may nest: a run that a plugin hook or a tool starts (`agent.run()` or
 * `agent.stream()` called inside a run) one level past it is refused with a `SubagentError`
 * (`too-deep-error.ts`), which ends every run up to the top one. The subagents' `maxDepth`
 * default: a hook or tool that runs its own agent ends as a cycle of subagents does. @internal
 */
export const MAX_RUN_DEPTH = 64;

// why (kept): the depth of the run whose plugin hook or tool is being called, for the time of the
// call's synchronous part (a dynamic scope): the user's code lies between that run and the
// `agent.run()` it calls, so no signature can carry it; -1 outside every call. Process-wide, as
// the call stack is, and restored when the call returns. Not an AsyncLocalStorage: on Node 20 one
// turns on promise hooks for the whole process (a promise-heavy loop ran 2-3 times slower,
// leftovers46), and browsers have none.
let calling = -1;

/**
 * Calls `call(argument)` as a hook or tool of a run `depth` deep: an `agent.run()` or
 * `agent.stream()` it makes before its first `await` starts a run one deeper (see
 * {@link runningDepth}). One made after an `await` is not counted: it starts a run of depth 0.
 * @internal
 */
export function callAtDepth<A, T>(depth: number, call: (argument: A) => T, argument: A): T {
  const outer = calling;
  calling = depth;
  try {
    return call(argument);
  } finally {
    calling = outer;
  }
}

/**
 * The depth of a run starting now with no parent: 0, or 1 more than the run whose hook or tool is
 * being called (see {@link callAtDepth}). The loop refuses one past {@link MAX_RUN_DEPTH}
 * (`runLoop`). @internal
 */
export function runningDepth(): number {
  return calling + 1;
}

/** The link of a run started as a child. @internal */
export function childRunLink(
  parent: ChildRunParent,
  beforeToolCall: BeforeToolCallHook | undefined,
  runId: string | undefined,
  recorders?: readonly RunObserver[],
): RunLink {
  // The keys in the order of a top run's link (start-run.ts's `runOutlets`): one hidden class for
  // every link, so the loop's reads of a link stay monomorphic in a tree of runs.
  return {
    runId,
    recorders,
    startChild: parent.startChild,
    path: parent.path,
    sink: parent.sink,
    streaming: parent.streaming,
    beforeToolCall: beforeToolCall ?? parent.beforeToolCall,
    inheritedBeforeToolCall: parent.beforeToolCall,
    budget: parent.budget,
    childNumbers: new Map(),
    // The child's meter keeps the same entries: its caller splits a failed child's usage by them.
    childUsage: parent.spend?.children ?? [],
    callSpend: new Map(),
    turn: { children: 1 },
    depth: parent.depth ?? parent.path.length,
  };
}

/**
 * What a child named `name` started by the run of `link` takes: the next `name#n` below the
 * link's path, in the order children start; `parentCall` is the call that starts it. @internal
 */
export function childRunParent(
  link: RunLink,
  name: string,
  parentCall?: ParentCallInfo,
): ChildRunParent {
  const number = (link.childNumbers.get(name) ?? 0) + 1;
  link.childNumbers.set(name, number);
  const segment = `${name}#${number}`;
  // One literal with the call in it: a spread of this object and the call (what subagent() did)
  // copied it on every call.
  return {
    path: Object.freeze([...link.path, segment]),
    sink: link.sink,
    streaming: link.streaming,
    beforeToolCall: link.beforeToolCall,
    budget: link.budget,
    parentRunId: link.runId,
    parentCall,
    // What the child spends, counted as it goes, whatever way it ends (see ChildSpend).
    spend: new ChildSpend(segment),
    recorders: link.recorders,
    startChild: link.startChild,
    plugins: link.plugins,
    recordHook: link.recordHook,
    services: link.services,
    depth: link.depth + 1,
  };
}

/**
 * The observers of a run: its agent's own, then the recorders it inherits from the runs above
 * that are not already among them (a child records into its parent's recorder, with or without
 * one of its own). @internal
 */
export function runObservers(
  own: readonly RunObserver[],
  inherited: readonly RunObserver[] | undefined,
): readonly RunObserver[] {
  if (inherited === undefined || inherited.length === 0) return own;
  const extra = inherited.filter((observer) => !own.includes(observer));
  return extra.length === 0 ? own : [...own, ...extra];
}

/** The recorders among `observers` (see {@link runObservers}); `undefined` without any. @internal */
export function recordersOf(observers: readonly RunObserver[]): readonly RunObserver[] | undefined {
  const found = observers.filter(isRunRecorder);
  return found.length === 0 ? undefined : found;
}

/**
 * The emitter of a run at `path`: stamps the path and hands the event to the top stream.
 * @internal
 */
export function emitAt(sink: EmitEvent, path: AgentPath): EmitEvent {
  if (sink === undefined || path.length === 0) return sink;
  return (event: UntaggedAgentEvent<unknown>) => {
    (event as { path: AgentPath }).path = path;
    return sink(event);
  };
}

/** The path of a top run (nothing above it). @internal */
export const TOP_PATH: AgentPath = Object.freeze([]);

// why (brand): the tools that start child runs (subagents), each with the agent its calls start,
// keyed by the tool object: a subagent is an ordinary public tool in `tools`, known from the tool
// object alone, and a plain tool costs one WeakMap lookup per call. Per tool, no run data. Shared
// by the copies of this version (see `versionRegistry`): a plugin of another copy runs the
// agent's tool calls with its copy's engine, which must know this copy's subagent tools.
const childRunTools = versionRegistry<object, object | undefined>('child-run-tools');

/**
 * Marks `tool` as one whose calls need their run's link (see {@link runLinkOf}), and records the
 * agent its calls start (a durable runner prepares that agent's steps ahead). @internal
 */
export function markChildRunTool(tool: object, agent?: object): void {
  childRunTools.set(tool, agent);
}

/** The agent the calls of a subagent tool start, or `undefined` for any other tool. @internal */
export function childAgentOf(tool: object): object | undefined {
  return childRunTools.get(tool);
}

/** Whether `tool`'s calls get their run's link. @internal */
export function startsChildRuns(tool: object): boolean {
  return childRunTools.has(tool);
}

/**
 * Where a child-run tool's call finds its run's link: `ToolExecuteContext.gemloopRunLink`, a field
 * of the argument `execute(args, context)` already takes (issue 53 item 6: it was a module-level
 * `WeakMap` by context). Not enumerable, so a tool that logs or spreads its context shows none of
 * the run's internals; a wrapper that hands the context on keeps it.
 */
const LINK = 'gemloopRunLink';

/** Gives one call's context its run link (a child-run tool's calls only). @internal */
export function linkToolContext(context: object, link: RunLink): void {
  Object.defineProperty(context, LINK, { value: link });
}

/**
 * The link of the run whose call got `context`, or `undefined` when the tool was called outside
 * an agent run (a test, a wrapper that made its own context). @internal
 */
export function runLinkOf(context: object): RunLink | undefined {
  return (context as { [LINK]?: RunLink | undefined })[LINK];
}

/** The shared counters of a top run's `budget`, or `undefined` without one. @internal */
export function treeBudgetOf(budget: RunOptions['budget']): TreeBudget | undefined {
  if (budget === undefined) return undefined;
  return {
    ...withDefaults(TREE_BUDGET_DEFAULTS, budget),
    maxCostUsd: budget.maxCostUsd,
    steps: 0,
    held: new Set(),
    tokens: 0,
    cost: new CostTotal(),
  };
}
