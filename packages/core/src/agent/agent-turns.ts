import type { AgentInput } from '../run/agent-input.ts';
import type { AgentResult } from '../run/agent-result.ts';
import type { AgentStream } from './agent-stream.ts';
import type { AgentOptions, RunOptions } from './config/agent-options.ts';
import type { LatePlugins, PluginHookRecorder } from './plugins/run-plugins.ts';
import type {
  ChildRunCall,
  ChildRunOptions,
  ChildRunParent,
  ChildRunStarter,
} from './run-state/run-link.ts';

export type { ChildRunOptions } from './run-state/run-link.ts';

import type { HandoffTarget } from './tool-calls/handoff-signal.ts';

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
   * The agent as a handoff's receiver: its config and runtime, for a run handed to it. `undefined`
   * for an agent gemloop did not make (it has no config to continue a run with).
   */
  handoffTarget?: ((name: string | undefined) => HandoffTarget) | undefined;
  /** The agent's `name` option. */
  readonly name?: string | undefined;
  /**
   * The options the agent was made with: a durable runner makes its own copy of a subagent's
   * agent (its model and tool calls steps of the child's workflow).
   */
  readonly options?: AgentOptions<unknown> | undefined;
  /** The agent's function tools (a chat session finds the receivers of its handoffs in them). */
  functionTools?: (() => Iterable<object>) | undefined;
};

/** What an agent is to {@link agentTurnsOf}: its public `run` and `stream` (see `Agent`). */
type RunnableAgent<Output> = {
  run(input: AgentInput, options?: RunOptions): Promise<AgentResult<Output>>;
  stream(input: AgentInput, options?: RunOptions): AgentStream<Output>;
};

// Kept (issue 53 item 6): no signature can carry it. Users hand the public `Agent` to
// createChatSession, handoff(), subagent(), serve and the durable worker, which need its internal
// entry points; a property on the public object is what CONTRIBUTING rules out. Per agent, no run data.
const turns = new WeakMap<object, AgentTurns<unknown>>();

/** Registers the turns of an agent made by `createAgent`. @internal */
export function registerAgentTurns<Output>(agent: object, own: AgentTurns<Output>): void {
  turns.set(agent, own as AgentTurns<unknown>);
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

// The receiving agent of each handoff tool, for a chat session to find who holds its conversation.
// Kept (issue 53 item 6): no signature can carry it while a handoff is a public tool in another
// agent's `tools`; it goes when a handoff is a step outcome carrying its target agent.
const receivers = new WeakMap<object, RunnableAgent<unknown>>();

/** Records the agent a handoff tool hands to. @internal */
export function registerHandoffReceiver(tool: object, agent: RunnableAgent<unknown>): void {
  receivers.set(tool, agent);
}

/** The agent a tool made by `handoff()` hands to; `undefined` for any other tool. @internal */
export function handoffReceiverOf(tool: object): RunnableAgent<unknown> | undefined {
  return receivers.get(tool);
}

/**
 * The agent a run of `root` hands to under `name` (directly or through other handoffs), or
 * `undefined`. Walks the handoff tools of `root` and of the agents they reach, each agent once.
 * @internal
 */
export function findHandoffReceiver(
  root: RunnableAgent<unknown>,
  name: string,
): RunnableAgent<unknown> | undefined {
  const toolName = `transfer_to_${name}`;
  const seen = new Set<object>([root]);
  const queue: RunnableAgent<unknown>[] = [root];
  for (let agent = queue.shift(); agent !== undefined; agent = queue.shift()) {
    for (const tool of agentTurnsOf(agent).functionTools?.() ?? []) {
      const receiver = receivers.get(tool);
      if (receiver === undefined) continue;
      if ((tool as { name?: unknown }).name === toolName) return receiver;
      if (!seen.has(receiver)) {
        seen.add(receiver);
        queue.push(receiver);
      }
    }
  }
  return undefined;
}
