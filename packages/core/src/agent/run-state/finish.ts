import type { AgentFinishReason, BlockedOutcome } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';

/** End the run with a result. @internal */
export type Finish<Output> = {
  type: 'finish';
  append?: Content | undefined;
  finishReason: AgentFinishReason;
  output?: Output | undefined;
  blocked?: BlockedOutcome | undefined;
  /** The answer's text when an output guardrail rewrote it (the history keeps the model's). */
  text?: string | undefined;
  /** With `finishReason: 'plugin'`: the plugin that ended the run, and why. */
  stoppedBy?: { readonly plugin: string; readonly reason: string } | undefined;
};
