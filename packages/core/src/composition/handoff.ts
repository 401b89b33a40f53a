import { agentTurnsOf, registerHandoffReceiver } from '../agent/agent-turns.ts';
import type { Agent } from '../agent/create-agent.ts';
import { handOff } from '../agent/loop/hand-off.ts';
import { registerHandoffReceiverTools } from '../agent/tool-calls/handoff-receiver-tools.ts';
import { HandoffSignal } from '../agent/tool-calls/handoff-signal.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { type DeclaredOptions, defineOptions } from '../options/define-options.ts';
import { functionOption, stringOption } from '../options/option-checks.ts';
import { type DefinedTool, defineTool } from '../tools/define/define-tool.ts';
import { startSchemaLoads } from '../tools/define/preload-tool-schemas.ts';
import type { Content } from '../wire/content.ts';

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
   * checked as any history is (every call answered, roles, thought signatures): a bad one ends
   * the run with an `AgentRunError`.
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
 * it, hands the SAME run to `agent`: the run id, step numbers, usage and event stream go on, the
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
 * @throws {@link InvalidArgumentError} for a bad option, or an agent with no name.
 */
export function handoff<Output>(
  agent: Agent<Output>,
  options: HandoffOptions = {},
): DefinedTool<Record<string, never>, unknown> {
  handoffOptions.check(options);
  const turns = agentTurnsOf(agent);
  const name = options.name ?? turns.name;
  if (name === undefined) {
    throw new InvalidArgumentError({
      argument: 'name',
      message:
        "handoff() needs a name for the receiving agent: pass { name: 'billing' } or give the agent a name option.",
    });
  }
  const makeTarget = turns.handoffTarget;
  if (makeTarget === undefined) {
    throw new InvalidArgumentError({
      argument: 'agent',
      message: 'handoff() takes an agent made by createAgent (a run continues with its config).',
    });
  }
  const filter = options.filter;
  const tool = defineTool({
    name: `transfer_to_${name}`,
    description: options.description ?? `Transfer the conversation to ${name}.`,
    parameters: { type: 'object', properties: {}, additionalProperties: false },
    execute: () => {
      const handOver = (): HandoffSignal => new HandoffSignal(makeTarget(name), filter, handOff);
      // The run goes on with the receiving agent's tools, without its first-run path: off Node,
      // a JSON Schema tool's validator among them is waited for here (none on Node).
      const loads = startSchemaLoads(turns.functionTools?.() ?? []);
      return loads.length === 0 ? handOver() : Promise.all(loads).then(handOver);
    },
  }) as unknown as DefinedTool<Record<string, never>, unknown>;
  registerHandoffReceiver(tool, agent);
  registerHandoffReceiverTools(tool, () => turns.functionTools?.() ?? []);
  return tool;
}
