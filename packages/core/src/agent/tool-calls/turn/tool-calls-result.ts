import type { PricedCost } from '../../../models/cost-total.ts';
import type { AgentRunState, AgentToolCall } from '../../../run/agent-result.ts';
import type { Content, Part } from '../../../wire/content.ts';
import type { ToolTurn } from './tool-turn.ts';

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
  /**
   * By call index, the `cost` of calls whose tool had it summed already (a subagent's meter), as
   * `CostTotal.addPriced` takes it; `undefined` when no call of the turn had one. The run adds
   * these instead of parsing the records' dollars back (see `runTools`).
   */
  priced?: (PricedCost | undefined)[] | undefined;
};

/**
 * The turn's answers once every call settled: one `functionResponse` per call in call order,
 * and the media a model cannot take in them after. @internal
 */
export function toolCallsResult<Output>({
  toolCalls,
  extras,
  failure,
  signal,
  ending,
  priced,
}: ToolTurn<Output>): ToolCallsResult {
  const parts: Part[] = new Array(toolCalls.length);
  for (let index = 0; index < toolCalls.length; index++) {
    parts[index] = { functionResponse: (toolCalls[index] as AgentToolCall).response };
  }
  const responseContent: Content = { role: 'user', parts };
  // Media for a model that cannot take them in function responses: one user content after the
  // responses, which those models accept (wire reference 5.2).
  let extraContent: Content | undefined;
  if (extras.byCall !== undefined) {
    const extraParts: Part[] = [];
    for (const callParts of extras.byCall)
      if (callParts !== undefined) extraParts.push(...callParts);
    if (extraParts.length > 0) extraContent = { role: 'user', parts: extraParts };
  }
  return {
    toolCalls,
    responseContent,
    extraContent,
    failure,
    aborted: signal.aborted,
    ending,
    priced,
  };
}
