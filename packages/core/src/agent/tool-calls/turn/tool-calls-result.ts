import type { Cost } from '../../../models/cost.ts';
import type { CostPicos } from '../../../models/usd.ts';
import type { AgentRunState, AgentToolCall } from '../../../run/agent-result.ts';
import type { Content } from '../../../wire/content.ts';
import type { HandoffSignal } from '../handoff-signal.ts';

/** The answered calls of one model turn. @internal */
export type ToolCallsResult = {
  /** One per call, in call order. */
  toolCalls: AgentToolCall[];
  /** The user content holding one functionResponse per call, in call order. */
  responseContent: Content;
  /** Media results for a model without multimodal function responses, sent after them. */
  extraContent: Content | undefined;
  /**
   * Set when the run must end once the responses are in the history: `toolErrors: 'throw'` or a
   * failing `beforeToolCall`. Builds the typed error from the run state at that point.
   */
  failure: ((run: AgentRunState) => Error) | undefined;
  /** The run's signal was aborted while calls were running. */
  aborted: boolean;
  /**
   * A call failed with an error that ends the run as it is (`isRunEndingError`): the caller
   * throws it at once, before the responses go into the history.
   */
  ending: { error: unknown } | undefined;
  /** The first `transfer_to_*` call of the turn that succeeded: who takes the run over. */
  handoff?: HandoffSignal | undefined;
  /**
   * By call index, the `cost` of calls whose tool had it summed already (a subagent's meter), as
   * `CostTotal.addPriced` takes it; `undefined` when no call of the turn had one. The run adds
   * these instead of parsing the records' dollars back (see `runTools`).
   */
  priced?: (CostPicos | Cost | undefined)[] | undefined;
};
