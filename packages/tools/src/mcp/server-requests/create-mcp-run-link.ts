import { isSameRun } from '@gemloop/core/internal';
import { type AgentPlugin, definePlugin, type PluginRun } from '@gemloop/core/plugins';
import { argumentsOfCall, type McpCallInFlight } from './mcp-calls-in-flight.ts';

/** The name a run link's plugin reports under (the `plugin` of its events). */
export const MCP_RUN_LINK_PLUGIN_NAME = 'mcp-requests';

/**
 * Ties what an MCP server asks in the middle of a tool call (elicitation, sampling) to the agent
 * run whose call it is, so that it shows on that run's surfaces: a `plugin` event on
 * `agent.stream()` (`plugin: 'mcp-requests'`), an event on the run's span, a line in its
 * recording and in `gemloop view`. Put its `plugin` in the agent's `plugins`; give the link to
 * the elicitation broker (`createMcpElicitationBroker({ link })`) and to the sampling policy
 * (`sampling: { ..., link }`) of the connections whose tools the agent uses.
 *
 * The plugin only notes, while an MCP call runs, which run it belongs to (by the arguments object
 * the call got, never by call ids, which repeat across runs); it is inherited by subagents.
 */
export type McpRunLink = {
  /** The agent plugin that tells the link which run each tool call belongs to. */
  readonly plugin: AgentPlugin;
  /**
   * Reports `kind` (with JSON `data`, kept free of secrets: the recording and spans keep it) to
   * the run whose tool calls `toolCalls` are, as its `plugin` event. Returns `false`, reporting
   * nothing, when none of the calls belongs to a run with the plugin, or when they belong to
   * several runs (MCP does not say which call a request serves; no run is shown another's).
   */
  report(toolCalls: readonly McpCallInFlight[], kind: string, data?: unknown): boolean;
};

/**
 * Creates an {@link McpRunLink}.
 *
 * @example
 * ```ts
 * const link = createMcpRunLink();
 * const elicitations = createMcpElicitationBroker({ link });
 * const calendar = await connectMcpHttp({ url, elicitation: elicitations.handler });
 * const agent = createAgent({ gemini, model, tools: calendar.tools, plugins: [link.plugin] });
 * ```
 */
export function createMcpRunLink(): McpRunLink {
  // The run of each call running now, by the arguments object its `execute` got.
  const runOfArgs = new WeakMap<object, PluginRun>();
  const plugin: AgentPlugin = definePlugin({
    name: MCP_RUN_LINK_PLUGIN_NAME,
    inherit: true,
    async wrapToolCall(call, next, run) {
      const input = call.input;
      if (typeof input !== 'object' || input === null) return next();
      runOfArgs.set(input, run);
      try {
        return await next();
      } finally {
        runOfArgs.delete(input);
      }
    },
  });
  return {
    plugin,
    report(toolCalls, kind, data) {
      let found: PluginRun | undefined;
      for (const call of toolCalls) {
        const args = argumentsOfCall(call);
        const run = args === undefined ? undefined : runOfArgs.get(args);
        if (run === undefined) continue;
        // One run's calls may each have a run view of their own (a durable run keeps what is
        // reported through it with the call's step): the first one's is told.
        if (found === undefined) found = run;
        else if (!isSameRun(found, run)) return false;
      }
      if (found === undefined) return false;
      found.emit(kind, data);
      return true;
    },
  };
}
