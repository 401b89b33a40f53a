import type { HandOffOutcome } from './model-call-hook.ts';

/** A function call of the model, before it runs. */
export type ToolCallDraft = {
  readonly toolName: string;
  readonly toolCallId: string;
  readonly stepNumber: number;
  /** Its place among the calls of its turn. */
  readonly callIndex: number;
  /** The arguments the model sent (before the tool's schema parses them). */
  readonly args: Readonly<Record<string, unknown>>;
};

/**
 * What `beforeToolCall` may decide: run the tool with other arguments (checked by its schema as
 * the model's are), answer the call without running the tool (a cached result, a steer), or
 * deny it (the model gets the message as the call's error).
 */
export type ToolCallDecision =
  | { readonly type: 'args'; readonly args: Record<string, unknown> }
  | { readonly type: 'result'; readonly result: unknown }
  | { readonly type: 'deny'; readonly message: string }
  | ToolCallAsk;

/**
 * Run the call only if a person approves it: the call goes to the agent's `beforeToolCall`
 * option (the approval hook) with `askedBy` set, and runs only on an explicit `{ type:
 * 'approve' }` (or `modify`); silence, or no approval hook at all, denies it and tells the model
 * why. The arguments are parsed by the tool's schema first, as for any call (a call with bad
 * arguments never reaches the person). A tool guardrail's `ask` is this.
 */
export type ToolCallAsk = {
  readonly type: 'ask';
  /** Who asked, as the approval hook's `askedBy` shows it. @defaultValue the plugin's name */
  readonly askedBy?: string | undefined;
};

/**
 * What `checkToolCall` may decide about a call whose arguments parsed: deny it (the model gets
 * the message as the call's error), or ask a person to approve it ({@link ToolCallAsk}). To stop
 * the run, `run.trip`. Nothing (`undefined`) lets it go on to the approval hook and the tool.
 */
export type ToolCallCheck = { readonly type: 'deny'; readonly message: string } | ToolCallAsk;

/** How a tool's `execute` ended, as `wrapToolCall` sees it and may return it. */
export type ToolExecution =
  | { readonly type: 'value'; readonly value: unknown }
  | { readonly type: 'error'; readonly error: unknown }
  | { readonly type: 'timeout'; readonly timeoutMs: number }
  | { readonly type: 'aborted' };

/** A call about to be executed: its arguments as the tool's schema parsed them. */
export type ToolExecutionDraft = ToolCallDraft & {
  /** The parsed arguments `execute` gets. */
  readonly input: unknown;
};

/** What `afterToolCall` may return: another result for the model, or a hand-off. */
export type ToolResultChange = { readonly result: unknown } | HandOffOutcome;

/** A call whose tool returned, before its result goes to the model. */
export type ToolResultDraft = ToolCallDraft & {
  /**
   * The arguments the tool ran with: as its schema parsed them, or as the approval hook's `modify`
   * left them (a tool guardrail's `after` check reads these). For a call a `beforeToolCall`
   * answered with a result, the arguments the model sent (no tool ran).
   */
  readonly input: unknown;
  /** What the model will get (the tool's value, or what a hook before this one made of it). */
  readonly result: unknown;
};
