import type { AgentStep } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { PluginRunFacts } from '../plugins/run-plugins.ts';
import type { RunContext } from '../run-state/run-context.ts';
import { DelegatedResult } from './builtin-fallback-tool.ts';

/**
 * The agent a handoff hands the run to: its resolved config and its runtime (made on first use,
 * with the loop; typed `unknown` here because the runtime's type lives in `loop/`, which this
 * room may not import). @internal
 */
export type HandoffTarget = {
  /** The receiving agent's name, as events, spans and chat sessions name it. */
  readonly name: string;
  readonly config: AgentConfig<unknown>;
  /** The receiving agent's `AgentRuntime`. */
  runtime(): unknown;
};

/**
 * Gives the run to the signal's target once the step has ended (`loop/hand-off.ts`), returning
 * the receiving agent's context. Carried by the signal, so the loop of an agent without handoffs
 * never loads (or bundles) it. @internal
 */
export type HandOff = (
  context: RunContext<unknown>,
  signal: HandoffSignal,
  step: AgentStep,
  from: number,
  /** What the run's plugins read: a run without plugins starts them for the receiving agent's. */
  facts: PluginRunFacts,
) => RunContext<unknown>;

/**
 * What a handoff tool's `execute` returns: the function response the model's `transfer_to_*`
 * call gets (so the call is answered and the history stays paired), and the agent that takes the
 * run over once the step has ended. @internal
 */
export class HandoffSignal extends DelegatedResult {
  readonly target: HandoffTarget;
  /** Rewrites the run's history for the receiving agent (see `handoff()`'s `filter`). */
  readonly filter: ((contents: readonly Content[], from: number) => Content[]) | undefined;
  /** How the loop gives the run over (the `handoff()` tool of `@gemloop/core/composition` sets it). */
  readonly handOff: HandOff;

  constructor(
    target: HandoffTarget,
    filter: ((contents: readonly Content[], from: number) => Content[]) | undefined,
    handOff: HandOff,
  ) {
    super({ output: `Transferred to ${target.name}.` }, undefined, {
      promptTokenCount: 0,
      candidatesTokenCount: 0,
      thoughtsTokenCount: 0,
      toolUsePromptTokenCount: 0,
      cachedContentTokenCount: 0,
      totalTokenCount: 0,
    });
    this.target = target;
    this.filter = filter;
    this.handOff = handOff;
  }
}
