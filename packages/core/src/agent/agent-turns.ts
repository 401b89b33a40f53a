import type { AgentInput } from '../run/agent-input.ts';
import type { AgentResult } from '../run/agent-result.ts';
import { versionRegistry } from '../version.ts';
import type { AgentStream } from './agent-stream.ts';
import type { AgentConfig } from './config/agent-config.ts';
import type { AgentOptions, RunOptions } from './config/agent-options.ts';
import type { LatePlugins, PluginHookRecorder } from './plugins/run-plugins.ts';
import type { RunServices } from './plugins/run-view/run-services.ts';
import type {
  ChildRunCall,
  ChildRunOptions,
  ChildRunParent,
  ChildRunStarter,
} from './run-state/run-link.ts';

export type { ChildRunOptions } from './run-state/run-link.ts';

/**
 * The agent a hand-off gives a run to: its resolved config and its runtime (made on first use,
 * with the loop; typed `unknown` here because the runtime's type lives in `loop/`). @internal
 */
export type HandoffTarget = {
  /** The receiving agent's name, as events, spans and chat sessions name it. */
  readonly name: string;
  readonly config: AgentConfig<unknown>;
  /** The receiving agent's `AgentRuntime`. */
  runtime(): unknown;
};

/**
 * How a chat session runs a turn of an agent: `run` and `stream` with what only a chat knows (its
 * conversation id, for telemetry and the recorder), passed as a parameter rather than hidden on
 * the public run options. @internal
 */
export type AgentTurns<Output> = {
  /** Set when `run` and `stream` take `late` (an agent `createAgent` made). */
  readonly lateJoin?: true | undefined;
  run(
    input: AgentInput,
    options: RunOptions | undefined,
    conversationId: string | undefined,
    /** Plugins that may join the run while it runs (a chat send's own steering). */
    late?: LatePlugins | undefined,
  ): Promise<AgentResult<Output>>;
  stream(
    input: AgentInput,
    options: RunOptions | undefined,
    conversationId: string | undefined,
    startChild?: ChildRunStarter | undefined,
    /** Records the plugin hooks whose results are not deterministic (a durable runner). */
    recordHook?: PluginHookRecorder | undefined,
    /** Plugins that may join the run while it runs (a chat send's own steering). */
    late?: LatePlugins | undefined,
    /** What a runner serves the run's tree (a durable runner's hand-off agents). */
    services?: RunServices | undefined,
  ): AgentStream<Output>;
  /**
   * A run started by a tool of another run (a subagent): streamed when the top run is, its events
   * sent to the top stream under `parent.path`, its calls approved as `parent` says.
   */
  child(
    input: AgentInput,
    options: ChildRunOptions,
    parent: ChildRunParent,
  ): Promise<AgentResult<Output>>;
  /**
   * The agent as a hand-off's receiver: its config and runtime, for a run handed to it (a
   * plugin's `{ type: 'hand-off', to }`). `undefined` for an agent gemloop did not make (it has
   * no config to continue a run with).
   */
  handoffTarget?: ((name: string | undefined) => HandoffTarget) | undefined;
  /** The agent's `name` option. */
  readonly name?: string | undefined;
  /**
   * The options the agent was made with: a durable runner makes its own copy of a subagent's
   * agent (its model and tool calls steps of the child's workflow).
   */
  readonly options?: AgentOptions<unknown> | undefined;
  /** The agent's function tools (a chat session finds the receivers of its handoffs in them: the plugins they carry). */
  functionTools?: (() => Iterable<object>) | undefined;
};

/** What an agent is to {@link agentTurnsOf}: its public `run` and `stream` (see `Agent`). */
export type RunnableAgent<Output> = {
  run(input: AgentInput, options?: RunOptions): Promise<AgentResult<Output>>;
  stream(input: AgentInput, options?: RunOptions): AgentStream<Output>;
};

// why (brand): no signature can carry it. Users hand the public `Agent` to
// createChatSession, handoff(), subagent(), serve and the durable worker, which need its internal
// entry points; a property on the public object is what CONTRIBUTING rules out. Per agent, no run
// data. Shared by the copies of this version in the process (see `versionRegistry`).
const turns = versionRegistry<object, AgentTurns<unknown>>('agent-turns');

/** Registers the turns of an agent made by `createAgent`. @internal */
export function registerAgentTurns<Output>(agent: object, own: AgentTurns<Output>): void {
  turns.set(agent, own as AgentTurns<unknown>);
}

/** The turns `createAgent` registered for `agent`; `undefined` for another object. @internal */
export function registeredTurnsOf(agent: object): AgentTurns<unknown> | undefined {
  return turns.get(agent);
}

/**
 * The turns of `agent`: its own when `createAgent` made it, else its public methods (an agent
 * gemloop did not make has no conversation id to record). @internal
 */
export function agentTurnsOf<Output>(agent: RunnableAgent<Output>): AgentTurns<Output> {
  const own = turns.get(agent);
  if (own !== undefined) return own as AgentTurns<Output>;
  return {
    run: (input, options) => agent.run(input, options),
    stream: (input, options) => agent.stream(input, options),
    // An agent gemloop did not make runs as a plain call: no events, no inherited approvals.
    child: (input, { signal, history }) =>
      agent.run(input, history === undefined ? { signal } : { signal, history }),
  };
}

/**
 * Starts a subagent's run below the run of `parent`: the one place a child run starts, so a
 * durable runner can start it its own way (as a child workflow) with the same `parent`.
 * @internal
 */
export function startChildRun<Output>(
  agent: RunnableAgent<Output>,
  input: AgentInput,
  options: ChildRunOptions,
  parent: ChildRunParent,
  call: ChildRunCall,
): Promise<AgentResult<Output>> {
  if (parent.startChild !== undefined) {
    return parent.startChild({ agent, input, options, parent, call }) as Promise<
      AgentResult<Output>
    >;
  }
  return agentTurnsOf(agent).child(input, options, parent);
}
