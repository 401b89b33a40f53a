import { agentTurnsOf } from '../agent/agent-turns.ts';
import type { Agent } from '../agent/create-agent.ts';
import type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  functionOption,
  stringOption,
} from '../options/define-options.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { DefinedTool } from '../tools/define/define-tool-options.ts';
import { startSchemaLoads } from '../tools/define/preload-tool-schemas.ts';
import { version } from '../version.ts';
import type { Content } from '../wire/content.ts';
import { checkReceiverNames } from './handoff-receiver.ts';

/** Options of {@link handoff}. */
export type HandoffOptions = {
  /**
   * The receiving agent's name: the declaration is `transfer_to_<name>`, events and
   * `result.handoffs` name it. @defaultValue the agent's `name` option (one of the two is needed)
   */
  name?: string | undefined;
  /**
   * What the receiving agent handles, for the model to decide when to transfer.
   * @defaultValue `Transfer the conversation to <name>.`
   */
  description?: string | undefined;
  /**
   * Rewrites the history for the receiving agent: gets the run's contents and the index where the
   * agent handing over took the run, returns the contents the receiving agent continues from. It
   * may change only the run's own contents (from `run.inputLength` on), and what it returns is
   * checked as any history is (every call answered, roles, thought signatures): a bad one, or
   * one that throws (its error the `cause`), ends the run with an `AgentRunError` holding the run.
   * @defaultValue drops the tool exchanges of the agent handing over (whole model turns of calls
   * with their responses), keeping its words and the transfer call itself.
   */
  filter?: ((contents: readonly Content[], from: number) => Content[]) | undefined;
};

const handoffOptions: DeclaredOptions<HandoffOptions> = defineOptions<HandoffOptions>({
  name: 'handoff',
  example: "{ name: 'billing', description: 'Billing questions: invoices, refunds.' }",
  checks: {
    name: stringOption({ nonEmpty: true }),
    description: stringOption({ nonEmpty: true }),
    filter: functionOption(),
  },
});

/**
 * A handoff: a `transfer_to_<name>` tool (put it in the agent's `tools`) that, when the model calls
 * it, hands the SAME run to `agent` (the tool carries a plugin whose `afterToolCall` returns a
 * `{ type: 'hand-off', to: agent }` step outcome, see `@gemloop/core/plugins`; the agent adds it): the run id, step numbers, usage and event stream go on, the
 * steps after the transfer use `agent`'s instructions, tools, model and limits, and the history is
 * rewritten as `filter` says. The transfer call gets its function response (`{ output:
 * 'Transferred to <name>.' }`), so the history stays paired. The stream shows a `handoff` event,
 * `result.handoffs` lists the receivers, and a chat session sends its next message to the agent
 * that holds the conversation.
 *
 * @example
 * ```ts
 * const triage = createAgent({
 *   gemini, model, name: 'triage',
 *   tools: [handoff(billing, { name: 'billing' }), handoff(support, { name: 'support' })],
 * });
 * ```
 * @throws {@link InvalidArgumentError} for a bad option, or an agent with no name. A run of an
 *   agent whose tree hands to two different agents under one name is refused at its start with
 *   the same error (as a chat session and the doors refuse it).
 */
export function handoff<Output>(
  agent: Agent<Output>,
  given: HandoffOptions = {},
): DefinedTool<Record<string, never>, unknown> {
  // Each option read once (attack20).
  const options = checkOptionsCopy(handoffOptions, given);
  const turns = agentTurnsOf(agent);
  // The agent first: one gemloop did not make has no name option either, and was told to give it
  // one (an agent of another installed version of @gemloop/core, named, got that message).
  if (turns.handoffTarget === undefined) {
    throw new InvalidArgumentError({
      argument: 'agent',
      message: `handoff() takes an agent made by createAgent of this version of @gemloop/core (${version}): a run continues with its config. An agent of another installed version runs as a subagent() only.`,
    });
  }
  const name = options.name ?? turns.name;
  if (name === undefined) {
    throw new InvalidArgumentError({
      argument: 'name',
      message:
        "handoff() needs a name for the receiving agent: pass { name: 'billing' } or give the agent a name option.",
    });
  }
  const toolName = `transfer_to_${name}`;
  const filter = options.filter;
  const answer = (): { output: string } => ({ output: `Transferred to ${name}.` });
  const plugin: AgentPlugin = definePlugin({
    name: `handoff:${toolName}`,
    // A plain run refuses what a chat session and the doors refuse (attack54): two different
    // agents under one name, where a hand-off went to the first the lookup met. Here, not in the
    // loop, so only runs of agents with hand-offs walk their tree (a handful of agents, each once).
    startRun: (run) => {
      const caller = run.streaming ? 'agent.stream' : 'agent.run';
      checkReceiverNames(undefined, { caller, argument: 'tools' }, run.plugins);
    },
    // The refusal reaches the caller as the session's does, not as a PluginError around it.
    ownErrors: (error) => InvalidArgumentError.isInstance(error),
    // After the call: it was approved, passed the tool guardrails and answered, so the history
    // stays paired; the loop gives the run over once the turn's calls are all answered.
    afterToolCall: (call) =>
      call.toolName === toolName
        ? { type: 'hand-off' as const, to: agent, name, ...(filter !== undefined && { filter }) }
        : undefined,
    // Declared as any plugin's receivers (`AgentPlugin.receivers`): the key walk, a chat
    // session and a durable worker find the agent under `name` before any run.
    receivers: { [name]: agent },
  });
  const tool = defineTool({
    name: toolName,
    description: options.description ?? `Transfer the conversation to ${name}.`,
    parameters: { type: 'object', properties: {}, additionalProperties: false },
    execute: () => {
      // The run goes on with the receiving agent's tools, without its first-run path: off Node,
      // a JSON Schema tool's validator among them is waited for here (none on Node).
      const loads = startSchemaLoads(turns.functionTools?.() ?? []);
      return loads.length === 0 ? answer() : Promise.all(loads).then(answer);
    },
  });
  // A frozen tool like defineTool's, with the plugin it needs (`FunctionTool.plugin`).
  return Object.freeze({ ...tool, plugin }) as unknown as DefinedTool<
    Record<string, never>,
    unknown
  >;
}
