/** A tool result edited at the fork: what call `call` of step `step` returns instead. */
export type ForkToolResult = {
  /** The model step (1-based, as `stepNumber`) whose calls were answered; must be the fork's `until`. */
  step: number;
  /** The call's 0-based position among that step's function calls. */
  call: number;
  /** The tool's output (an object is the `functionResponse.response`; anything else is `{ result }`). */
  output: unknown;
};

/**
 * What a fork changes from step `until + 1` on: the run's model, its system instruction, a tool's
 * description, or the results of the fork step's tool calls. Each field left out stays as recorded.
 */
export type ForkChange = {
  /** Another model (`gemini-2.5-flash`): the recorded turns' thought signatures are not sent to it. */
  model?: string | undefined;
  /** Another system instruction. */
  instructions?: string | undefined;
  /** Other tool descriptions, by tool name. */
  toolDescriptions?: Readonly<Record<string, string>> | undefined;
  /** Edited results of the tool calls of step `until`. */
  toolResults?: readonly ForkToolResult[] | undefined;
};
