// The settle phase of a turn's calls: each outcome becomes its record, its functionResponse and,
// for `toolErrors: 'throw'`, the typed error the run ends with (executeToolCalls runs the calls).
import { isCostTotal, type PricedCost } from '../../models/cost-total.ts';
import type { AgentRunState, AgentToolCall, ToolCallOutcome } from '../../run/agent-result.ts';
import { cutName } from '../../shared/cut-text.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import type { ToolCallObservation } from '../../telemetry/run-observer.ts';
import { SAFETY_ACKNOWLEDGEMENT_KEY } from '../../tools/builtin/safety-decision.ts';
import { cutFunctionResponse, REST_NOT_KEPT } from '../../tools/responses/cut-function-response.ts';
import { formatToolArgumentIssues } from '../../tools/responses/tool-error-response.ts';
import type { FunctionCall, Part } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { ToolExecutionError } from '../errors/tool-execution-error.ts';
import { ToolInputError } from '../errors/tool-input-error.ts';
import { ToolTimeoutError } from '../errors/tool-timeout-error.ts';
import { UnknownToolError } from '../errors/unknown-tool-error.ts';
import { settleChildSpend } from '../run-state/child-spend.ts';
import type { RunLink } from '../run-state/run-link.ts';
import { defineTotalOnRead } from '../run-state/total-on-read.ts';
import { delegatedFailureOf, delegatedResultOf } from './delegated-result.ts';
import type { ExecuteOutcome } from './execute-outcome.ts';
import { otherCopyResultError, otherVersionSpendOf } from './other-copy-result-error.ts';
import { rawArgsOf } from './raw-args.ts';
import { safeToolErrorMessage } from './safe-tool-error-message.ts';
import { answerWithError, answerWithResult } from './tool-response.ts';

/** One function call of the turn, with its id and position. @internal */
export type PendingCall = {
  call: FunctionCall;
  index: number;
  toolCallId: string;
  /** The observer's view of this call (telemetry, recorder), when the run is observed. */
  observed?: ToolCallObservation | undefined;
};

/**
 * What the turn's answers add beside their responses: media for a model that cannot take them in
 * a function response. @internal
 */
export type ExtraParts = {
  byCall: (Part[] | undefined)[] | undefined;
};

/**
 * The record of one answered call. Media a model without multimodal function responses cannot
 * take in the response go to `extras`.
 * @internal
 */
export function toRecord<Output>(
  { call, toolCallId, index }: PendingCall,
  outcome: ExecuteOutcome,
  config: AgentConfig<Output>,
  runSignal: AbortSignal,
  durationMs: number,
  extras: ExtraParts,
  runEnded: boolean,
  toolErrorMessage: ToolErrorMessage,
): AgentToolCall {
  // One literal per shape (spreading a shared base and adding fields is slow on Node 20).
  if (outcome.type === 'value') {
    return toSuccessRecord(
      { call, toolCallId, index },
      outcome,
      config,
      runSignal,
      durationMs,
      extras,
      runEnded,
      toolErrorMessage,
    );
  }
  const { kind, message } = describeFailure(
    outcome,
    call.name,
    config,
    runSignal,
    runEnded,
    (error) => toolErrorMessage(call.name, toolCallId, error),
  );
  const answer = answerWithError(
    call,
    message,
    outcome.type === 'invalid-args' ? outcome.issues : undefined,
  );
  const record: AgentToolCall = {
    toolCallId,
    hasWireId: toolCallId === call.id,
    toolName: call.name,
    rawArgs: rawArgsOf(call),
    args: outcome.args,
    durationMs,
    outcome: kind,
    error: message,
    response: answer.response,
  };
  if (outcome.modified === true) record.modified = true;
  if (outcome.type === 'error') {
    // A subagent's: what its `execute` threw, the child's own error as its `cause`.
    record.cause = outcome.error;
    const failure = delegatedFailureOf(outcome.error);
    // Another version's child failed: its words are not read as ours, but it ran and was billed,
    // so its spend is counted as its refused result's would be (leftovers60).
    if (failure === undefined) return Object.assign(record, otherVersionSpendOf(outcome.error));
    // A subagent whose child failed: what the child spent, as its result would have said (a
    // remote A2A agent's failure knows none).
    if (failure.usage !== undefined) record.usage = failure.usage;
    if (failure.cost !== undefined) record.cost = failure.cost;
  }
  return record;
}

/** The record of a call that returned (toRecord's first shape). */
function toSuccessRecord<Output>(
  { call, toolCallId, index }: PendingCall,
  outcome: Extract<ExecuteOutcome, { type: 'value' }>,
  config: AgentConfig<Output>,
  runSignal: AbortSignal,
  durationMs: number,
  extras: ExtraParts,
  runEnded: boolean,
  toolErrorMessage: ToolErrorMessage,
): AgentToolCall {
  const delegated = delegatedResultOf(outcome.value);
  const value = delegated === undefined ? outcome.value : delegated.output;
  // What the model sees: a tool guardrail's replacement, or the tool's own value.
  const sent = 'sent' in outcome ? outcome.sent : value;
  const foreign = otherCopyResultError(call.name, delegated, value);
  const answer = foreign ?? answerOf(call, sent, config);
  if ('invalid' in answer) {
    // A result that cannot be JSON is the tool's failure, reported like a throw, and redacted as
    // one is (settleCall redacted the outcome before this was known): the words of a getter or
    // `toJSON` that threw are the tool's, and may quote the key. Another version's child ran and
    // was billed: its spend is the run's (`spent`), its output is not.
    const record = toRecord(
      { call, toolCallId, index },
      {
        type: 'error',
        error: config.redact(answer.invalid),
        args: outcome.args,
        modified: outcome.modified,
      },
      config,
      runSignal,
      durationMs,
      extras,
      runEnded,
      toolErrorMessage,
    );
    return Object.assign(record, foreign?.spent);
  }
  // The loop's own cap (tools/responses/default-tool-output-limit.ts), with nothing kept for
  // the model (no store was given, and `read_tool_output` is not declared). With a `toolOutput`
  // it is only a net its plugin's results always fit (the plugin cut them already).
  if (config.toolOutputDefault !== undefined)
    answer.response = cutFunctionResponse(answer.response, config.toolOutputDefault, restNotKept);
  if (outcome.acknowledged === true) {
    // The user confirmed a `require_confirmation` action: Google's documented acknowledgement
    // (tools/builtin/safety-decision.ts), in the response the tool gave.
    answer.response.response = {
      ...answer.response.response,
      [SAFETY_ACKNOWLEDGEMENT_KEY]: 'true',
    };
  }
  const record: AgentToolCall = {
    toolCallId,
    hasWireId: toolCallId === call.id,
    toolName: call.name,
    rawArgs: rawArgsOf(call),
    args: outcome.args,
    durationMs,
    outcome: 'success',
    // The snapshot the model got (answerWithResult), unless a guardrail sent another value.
    output: sent === value ? answer.output : value,
    response: answer.response,
  };
  if (outcome.modified === true) record.modified = true;
  if (sent !== value) record.replaced = true;
  if (delegated !== undefined) {
    record.grounding = delegated.grounding;
    record.usage = delegated.usage;
    if (delegated.cost !== undefined) record.cost = delegated.cost;
    // A subagent's: its child run's meter, written out as the call's cost when read.
    else if (delegated.priced !== undefined && isCostTotal(delegated.priced))
      defineTotalOnRead(record, delegated.priced, 'tool call');
  }
  if (answer.extraParts.length > 0) {
    extras.byCall ??= [];
    extras.byCall[index] = answer.extraParts;
  }
  return record;
}

/** The answer of a value the model is sent (`answerWithResult` for the agent's backend). */
function answerOf<Output>(call: FunctionCall, sent: unknown, config: AgentConfig<Output>) {
  // Vertex takes fileData in function responses; the Gemini API only in a user turn.
  return answerWithResult(
    call,
    sent,
    config.capabilities.multimodalFunctionResponses,
    config.gemini.platform !== 'gemini-api',
  );
}

/** The error text a failed call's record and response carry, by how it failed. @internal */
export function describeFailure<Output>(
  outcome: Exclude<ExecuteOutcome, { type: 'value' }>,
  name: string,
  config: AgentConfig<Output>,
  runSignal: AbortSignal,
  runEnded: boolean,
  errorMessage: (error: unknown) => string,
): { kind: Exclude<ToolCallOutcome, 'success'>; message: string } {
  switch (outcome.type) {
    case 'unknown-tool': {
      const names = [...config.tools.functions.keys()];
      // The name the model made up, quoted cut as spans cut it (boundName), the key out first (a
      // cut through it would keep its start): whole, a 2 MB name went back to the model a third
      // time in this message and twice more into the run file (toolname41). The functionResponse
      // still names the call as it came (tool-response.ts): the wire echoes it.
      const quoted = cutName(config.redact(name));
      return {
        kind: 'unknown-tool',
        message:
          names.length === 0
            ? `Unknown function '${quoted}': no functions are available here. Answer without calling one.`
            : `Unknown function '${quoted}'. Available functions: ${names.join(', ')}. Call one of these, or answer without a function.`,
      };
    }
    case 'invalid-args':
      return {
        kind: 'invalid-args',
        message: `Invalid arguments for ${name}${outcome.fromHook ? ' (as changed by the approval step)' : ''}: ${formatToolArgumentIssues(outcome.issues)} Call ${name} again with arguments that match its parameters.`,
      };
    case 'error':
      // A delegated failure's words for the model are its default (toolErrorMessageOf).
      return { kind: 'execution-error', message: errorMessage(outcome.error) };
    case 'guardrail-tripped':
      return {
        // Its own outcome (a span's `error.type`, the `tool-error` event's): the call was stopped
        // by a verdict, not by the run's abort.
        kind: 'guardrail-tripped',
        message: `${name} was stopped by a guardrail (${outcome.trip.name}); the run ended.`,
      };
    case 'timeout':
      return {
        kind: 'timeout',
        message: `${name} did not finish within ${outcome.timeoutMs} ms and was stopped. Try again with a smaller request, or do without it.`,
      };
    case 'denied':
      return { kind: 'denied', message: outcome.message };
    case 'hook-failed':
      return { kind: 'aborted', message: `${name} was not run: its approval step failed.` };
    case 'aborted':
      return {
        kind: 'aborted',
        message: runEnded
          ? `${name} was not completed: the run ended.`
          : runSignal.aborted
            ? `${name} was not completed: the run was aborted.`
            : `${name} was not completed: another call of this turn failed.`,
      };
  }
}

/** The typed error `toolErrors: 'throw'` raises for a failed call (denials and aborts never). @internal */
export function throwableError<Output>(
  record: AgentToolCall,
  outcome: ExecuteOutcome,
  config: AgentConfig<Output>,
): ((run: AgentRunState) => Error) | undefined {
  const fields = {
    toolName: record.toolName,
    toolCallId: record.toolCallId,
    // A thrown error is logged and serialised (`toJSON` shows its own fields): secret arguments
    // are redacted; the history in `error.run` keeps the model's call as it came.
    args: config.argumentRedactor?.args(record.toolName, record.rawArgs) ?? record.rawArgs,
    message: `${record.error ?? ''} (toolErrors: 'throw'; error.run.contents holds the history with this call answered)`,
  };
  switch (outcome.type) {
    case 'invalid-args':
      return (run) => new ToolInputError({ ...fields, run, issues: outcome.issues });
    case 'unknown-tool':
      return (run) =>
        new UnknownToolError({
          ...fields,
          run,
          availableTools: [...config.tools.functions.keys()],
        });
    case 'error': {
      const failure = delegatedFailureOf(outcome.error);
      const cause = failure === undefined ? outcome.error : failure.cause;
      return (run) => new ToolExecutionError({ ...fields, run, cause });
    }
    case 'timeout':
      return (run) => new ToolTimeoutError({ ...fields, run, timeoutMs: outcome.timeoutMs });
    default:
      return undefined;
  }
}

/** Makes the message the model gets for a tool that threw. @internal */
export type ToolErrorMessage = (toolName: string, toolCallId: string, error: unknown) => string;

/**
 * A rewrite of the message the model gets for a tool that threw (the guardrails' `onToolError`,
 * read from the run's context by `runTools`). @internal
 */
export type ToolErrorRewrite = (
  error: unknown,
  context: { toolName: string; toolCallId: string; defaultMessage: string },
) => string;

/**
 * A plugin's `rewriteToolError` (`onToolError` of `guardrails()` among them), or the safe
 * default (`safeToolErrorMessage`: class and message, no stack, no cause chain, no URLs, paths,
 * addresses or host:port). A hook that throws or returns
 * something other than a non-empty string gets the default: the model must get an answer, and
 * the raw error is what the hook was there to keep from it.
 * @internal
 */
export function toolErrorMessageOf<Output>(
  hook: ToolErrorRewrite | undefined,
  config: AgentConfig<Output>,
): ToolErrorMessage {
  // A delegated failure (a subagent's child, a remote A2A task) comes with its words for the
  // model, the default here, and the rewrite sees the delegate's own error, as a throwing tool's
  // sees what it threw (before, a subagent's words were never rewritten: leftovers51).
  const defaultOf: ToolErrorMessage = (toolName, _toolCallId, error) =>
    delegatedFailureOf(error)?.message ?? safeToolErrorMessage(toolName, error);
  if (hook === undefined) return defaultOf;
  return (toolName, toolCallId, error) => {
    const defaultMessage = defaultOf(toolName, toolCallId, error);
    const seen = delegatedFailureOf(error)?.cause ?? error;
    // The model wrote the id (and the name, when a plugin fails an undeclared one): the log gets
    // them keyless and cut, as the unknown-tool message quotes a name; whole, a 2 MB id was a
    // 2 MB log line with the key in it where the model wrote one (doors-bounds41).
    const logged = (): Record<string, string> => ({
      toolName: cutName(config.redact(toolName)),
      toolCallId: cutName(config.redact(toolCallId)),
    });
    try {
      const message: unknown = hook(seen, { toolName, toolCallId, defaultMessage });
      if (typeof message === 'string' && message.trim() !== '') return message;
      config.logger.warn(
        logged(),
        'a plugin’s rewriteToolError (an onToolError) returned no message; the default was sent',
      );
    } catch (hookError) {
      config.logger.warn(
        { ...logged(), error: describeThrown(hookError) },
        'a plugin’s rewriteToolError (an onToolError) threw; the default message was sent',
      );
    }
    return defaultMessage;
  };
}

const restNotKept = (): string => REST_NOT_KEPT;

/**
 * What a settled call spent, as its tool's meter summed it (the run adds these, see `runTools`):
 * a subagent call's child meter when the call ended without the child's result (the record gets
 * that spending, see `settleChildSpend`), else what its result carries. `undefined` for any other
 * call.
 * @internal
 */
export function spentByCall(
  link: RunLink | undefined,
  index: number,
  record: AgentToolCall,
  outcome: ExecuteOutcome,
): PricedCost | undefined {
  const settled =
    link !== undefined && link.callSpend.size > 0
      ? settleChildSpend(link, index, record)
      : undefined;
  if (settled !== undefined) return settled;
  if (outcome.type === 'error') return delegatedFailureOf(outcome.error)?.priced;
  return outcome.type === 'value' ? delegatedResultOf(outcome.value)?.priced : undefined;
}
