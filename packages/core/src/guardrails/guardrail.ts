import type { GuardrailPhase } from '../run/guardrail-check-record.ts';
import type { Content } from '../wire/content.ts';

/*
 * The shapes follow the peers where they agree: OpenAI Agents JS (packages/agents-core/src/
 * guardrail.ts: `InputGuardrail { name, execute, runInParallel }` tripping
 * `InputGuardrailTripwireTriggered`; toolGuardrail.ts: `ToolGuardrailBehavior` = allow |
 * rejectContent(message) | throwException) and Mastra's processors (block, rewrite/redact).
 * gemloop returns one verdict per check instead of a tripwire flag, so a rewrite is a verdict too.
 */

/** What every guardrail check gets besides the value it checks. */
export type GuardrailContext = {
  /** The guardrail's phase. */
  phase: GuardrailPhase;
  /** The agent's `name`, when it has one. */
  agentName: string | undefined;
  /**
   * Aborted when the run is, when the check's time limit is up, or (a parallel input guardrail)
   * never by the model call. Pass it to a classifier's own model call.
   */
  signal: AbortSignal;
  /** The live history. Do not keep it. */
  contents: readonly Content[];
};

/** Let the value through. `undefined` (returning nothing) passes too. */
export type GuardrailPass = { type: 'pass' };
/** Stop: the run ends with a `GuardrailTrippedError` naming the guardrail and this reason. */
export type GuardrailBlock = { type: 'block'; reason: string };

/** The text of a run's new input, and its contents, as an input guardrail sees them. */
export type InputGuardrailValue = {
  /** The text parts of the new input, joined with newlines. */
  text: string;
  /**
   * The new input's contents (not the history before it). A run given its input as a history to
   * continue (contents or turns, as the OpenAI-compatible door runs each request) is checked on
   * the user turn that history ends with.
   */
  contents: readonly Content[];
};

/** What an input guardrail decides. A rewrite replaces the new input the model sees. */
export type InputGuardrailVerdict =
  | GuardrailPass
  | GuardrailBlock
  | { type: 'rewrite'; input: string | readonly Content[] }
  | undefined
  // biome-ignore lint/suspicious/noConfusingVoidType: a check that passes by returning nothing.
  | void;

/** A check on a run's input (and on each chat message). */
export type InputGuardrail = {
  /** Names the guardrail in events, spans, recordings and the error. */
  name: string;
  check: (
    input: InputGuardrailValue,
    context: GuardrailContext,
  ) => InputGuardrailVerdict | Promise<InputGuardrailVerdict>;
  /**
   * Run beside the first model call instead of before it. No tool starts before the check
   * passes, and a trip aborts the model call (its usage so far is counted). A rewrite then sends
   * the first model call again with the new input. @defaultValue false
   */
  runInParallel?: boolean | undefined;
  /** Overrides the guardrails' `timeoutMs` for this one. */
  timeoutMs?: number | undefined;
};

/** The final answer as an output guardrail sees it. */
export type OutputGuardrailValue = {
  /** The answer's text (the JSON text for structured output). */
  text: string;
  /** The structured output after validation; `undefined` without an `output` schema. */
  output: unknown;
};

/**
 * What an output guardrail decides. A rewrite changes what the caller gets (`result.text`,
 * `result.output`) and what a chat session shows; the model's own content stays verbatim in the
 * history sent back to Gemini (its thought signatures are bound to it).
 */
export type OutputGuardrailVerdict =
  | GuardrailPass
  | GuardrailBlock
  | { type: 'rewrite'; text: string; output?: unknown }
  | undefined
  // biome-ignore lint/suspicious/noConfusingVoidType: a check that passes by returning nothing.
  | void;

/** A check on a run's final answer. */
export type OutputGuardrail = {
  name: string;
  check: (
    value: OutputGuardrailValue,
    context: GuardrailContext,
  ) => OutputGuardrailVerdict | Promise<OutputGuardrailVerdict>;
  timeoutMs?: number | undefined;
};

/** One function call as a tool guardrail sees it. */
export type ToolGuardrailCall = {
  toolName: string;
  toolCallId: string;
  /**
   * The arguments after the tool's schema parsed them: the check's own copy (as is `result` for
   * `after`), so changing it in place changes nothing; a check changes a call by its verdict.
   */
  args: unknown;
  stepNumber: number;
};

/**
 * Before a call: `allow` runs it (through `beforeToolCall` when there is one), `deny` answers it
 * with `message` (the model sees it) without running it, `ask` sends it to a person through
 * `beforeToolCall` (which must then approve it explicitly; without the hook the call is denied),
 * `throw` ends the run with a `GuardrailTrippedError`.
 */
export type ToolInputGuardrailVerdict =
  | { type: 'allow' }
  | { type: 'deny'; message: string }
  | { type: 'ask' }
  | { type: 'throw'; reason: string }
  | undefined
  // biome-ignore lint/suspicious/noConfusingVoidType: a check that allows by returning nothing.
  | void;

/**
 * After a call that returned: `pass` keeps the result, `replace` gives the model `result` instead
 * (the tool's own value stays on `toolCall.output`), `throw` ends the run.
 */
export type ToolOutputGuardrailVerdict =
  | { type: 'pass' }
  | { type: 'replace'; result: unknown }
  | { type: 'throw'; reason: string }
  | undefined
  // biome-ignore lint/suspicious/noConfusingVoidType: a check that passes by returning nothing.
  | void;

/** Checks around function calls: before a call runs, after it returned, or both. */
export type ToolGuardrail = {
  name: string;
  /** The tools it applies to. @defaultValue every function tool */
  tools?: readonly string[] | undefined;
  before?:
    | ((
        call: ToolGuardrailCall,
        context: GuardrailContext,
      ) => ToolInputGuardrailVerdict | Promise<ToolInputGuardrailVerdict>)
    | undefined;
  after?:
    | ((
        call: ToolGuardrailCall & { result: unknown },
        context: GuardrailContext,
      ) => ToolOutputGuardrailVerdict | Promise<ToolOutputGuardrailVerdict>)
    | undefined;
  timeoutMs?: number | undefined;
};

/** One thrown tool error, as `onToolError` sees it. */
export type ToolErrorContext = {
  toolName: string;
  toolCallId: string;
  /** The message gemloop sends by default ({@link safeToolErrorMessage}). */
  defaultMessage: string;
};
