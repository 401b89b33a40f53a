import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { cutTextNoted } from '../../shared/cut-text.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { needsConfirmation, readSafetyDecision } from '../../tools/builtin/safety-decision.ts';
import { boundArgumentIssues } from '../../tools/responses/bound-argument-issues.ts';
import type { FunctionTool, ToolArgumentsResult } from '../../tools/tool.ts';
import type { BeforeToolCallDecision, BeforeToolCallHook } from '../config/agent-options.ts';
import type { ExecuteOutcome, ReadyToolCall, RunToolCallOptions } from './execute-outcome.ts';
import { rawArgsOf } from './raw-args.ts';
import { aborted, raceAbort } from './start-tool-call.ts';

// The path of a run with no parent, for `beforeToolCall`.
const TOP_PATH: readonly string[] = Object.freeze([]);

/**
 * Google: a `require_confirmation` action must not run before the user confirms; without a hook to
 * ask, nobody can, so the call is refused and the model told why. @internal
 */
export function unconfirmed(name: string, args: unknown): ExecuteOutcome {
  return {
    type: 'denied',
    message: `${name} needs the user's confirmation (safety_decision: require_confirmation), and this application has no beforeToolCall hook to ask for it, so it was not run.`,
    args,
  };
}

/**
 * The first half of {@link runToolCall}: find the tool, parse the arguments, ask
 * `beforeToolCall`. Either the call's final outcome (unknown tool, bad arguments, denied, the
 * hook failed, aborted) or the call cleared to run, for {@link startToolCall}. A promise only
 * when the hook had to be awaited. Never throws.
 * @internal
 */
export function decideToolCall<Output>(
  options: RunToolCallOptions<Output>,
): ExecuteOutcome | ReadyToolCall | Promise<ExecuteOutcome | ReadyToolCall> {
  const { config, call, signal } = options;
  if (signal.aborted) return { type: 'aborted', args: undefined };
  const tool = config.tools.functions.get(call.name);
  if (tool === undefined) return { type: 'unknown-tool', args: undefined };
  const parsed = safeParseArgs(tool, call.args);
  if (!parsed.success)
    return { type: 'invalid-args', issues: parsed.issues, fromHook: false, args: undefined };
  return decideParsed(options, tool, parsed.value, undefined);
}

/**
 * The part of {@link decideToolCall} after the arguments parsed: a plugin's `ask` (`askedBy`: the
 * call then needs an explicit approve; a tool guardrail's `ask` is one, made by the guardrails'
 * plugin), the approval hook, the safety system's confirmation. The plugins' path
 * (`decideWithPlugins`) comes here too, after its `checkToolCall`. @internal
 */
export function decideParsed<Output>(
  options: RunToolCallOptions<Output>,
  tool: FunctionTool<unknown, unknown>,
  input: unknown,
  askedBy: string | undefined,
): ExecuteOutcome | ReadyToolCall | Promise<ExecuteOutcome | ReadyToolCall> {
  const { call } = options;
  if (askedBy !== undefined) return askApproval(options, tool, input, askedBy);
  if (options.beforeToolCall !== undefined) return decideApproved(options, tool, input);
  if (needsConfirmation(readSafetyDecision(call.args))) return unconfirmed(call.name, input);
  return { type: 'ready', tool, args: input };
}

/**
 * A call a plugin asked a person to approve (`{ type: 'ask' }` from `beforeToolCall` or
 * `checkToolCall`), its arguments parsed: to the approval hook as one that needs an explicit
 * approve, or denied when the application has no hook to ask. @internal
 */
export function askApproval(
  options: ApprovalRequest,
  tool: FunctionTool<unknown, unknown>,
  parsedArgs: unknown,
  askedBy: string,
): ExecuteOutcome | Promise<ExecuteOutcome | ReadyToolCall> {
  if (options.beforeToolCall === undefined)
    return {
      type: 'denied',
      message: `${options.call.name} needs a person's approval ("${askedBy}" asked for it), and this application has no beforeToolCall hook to ask, so it was not run.`,
      args: parsedArgs,
    };
  return decideApproved(options, tool, parsedArgs, askedBy, `"${askedBy}"`);
}

/**
 * What an approval reads of a call: a run's call options, or a live session's call (which has no
 * agent config of a run). @internal
 */
export type ApprovalRequest = Pick<
  RunToolCallOptions<unknown>,
  | 'call'
  | 'toolCallId'
  | 'stepNumber'
  | 'callIndex'
  | 'contents'
  | 'signal'
  | 'link'
  | 'beforeToolCall'
>;

/**
 * The rest of {@link decideToolCall} when an approval hook decides first; a live session's calls
 * are approved here too. @internal
 */
export async function decideApproved(
  options: ApprovalRequest,
  tool: FunctionTool<unknown, unknown>,
  parsedArgs: unknown,
  /** The plugin (a tool guardrail's plugin among them) that asked for a person's approval, if any. */
  askedBy?: string | undefined,
  /** Who asked, as the model is told when nobody approved. */
  asker = 'a tool guardrail',
): Promise<ExecuteOutcome | ReadyToolCall> {
  const { call, toolCallId, stepNumber, callIndex, contents, signal, link } = options;
  const rawArgs = rawArgsOf(call);
  const args = parsedArgs;
  const safetyDecision = readSafetyDecision(rawArgs);
  const confirm = needsConfirmation(safetyDecision);
  // A guardrail's `ask`, like a safety decision, takes an explicit approve: silence denies.
  const asked = askedBy !== undefined;
  const explicit = confirm || asked;
  let decision: BeforeToolCallDecision | typeof aborted;
  try {
    const hook = options.beforeToolCall as BeforeToolCallHook;
    decision = await raceAbort(
      Promise.resolve().then(() =>
        hook({
          toolName: call.name,
          toolCallId,
          args,
          rawArgs,
          stepNumber,
          callIndex,
          contents,
          signal,
          safetyDecision,
          path: link?.path ?? TOP_PATH,
          ...(askedBy === undefined ? {} : { askedBy }),
        }),
      ),
      signal,
    );
  } catch (error) {
    return { type: 'hook-failed', error, args };
  }
  if (decision === aborted) return { type: 'aborted', args };
  const problem = checkDecision(decision);
  if (problem !== undefined) {
    // Running the call on a decision nobody can read would approve by accident.
    return {
      type: 'hook-failed',
      invalidDecision: true,
      error: new InvalidArgumentError({
        argument: 'beforeToolCall',
        message: `beforeToolCall returned ${problem} for ${call.name} (${toolCallId}). Return undefined or { type: 'approve' } to run the call, { type: 'deny', message } to refuse it, or { type: 'modify', args } to run it with other arguments.`,
      }),
      args,
    };
  }
  if (asked && !confirm && (decision === undefined || decision === null)) {
    return {
      type: 'denied',
      message: `${call.name} needs a person's approval (${asker} asked for it), and beforeToolCall did not give it, so it was not run.`,
      args,
    };
  }
  if (explicit && (decision === undefined || decision === null)) {
    // Approving by saying nothing is fine for an ordinary call, not for one the safety system
    // wants a person to confirm: that takes an explicit approve (or modify).
    return {
      type: 'denied',
      message: `${call.name} needs the user's confirmation (safety_decision: require_confirmation), and beforeToolCall did not give it (return { type: 'approve' } once the user confirms), so it was not run.`,
      args,
    };
  }
  return applyDecision(decision, tool, call.name, args, confirm);
}

/**
 * What a readable decision makes of the call: a denial with its message (or one that tells the
 * model not to retry), new arguments checked as the model's are, or the call cleared to run.
 */
function applyDecision(
  decision: BeforeToolCallDecision | undefined | null,
  tool: FunctionTool<unknown, unknown>,
  toolName: string,
  args: unknown,
  confirm: boolean,
): ExecuteOutcome | ReadyToolCall {
  if (decision !== undefined && decision !== null) {
    if (decision.type === 'deny') {
      const message =
        typeof decision.message === 'string' && decision.message.trim() !== ''
          ? boundDenial(decision.message)
          : `The call to ${toolName} was denied by the application. Do not call it again with the same arguments.`;
      return { type: 'denied', message, args };
    }
    if (decision.type === 'modify') {
      const reparsed = safeParseArgs(tool, decision.args);
      if (!reparsed.success) {
        return {
          type: 'invalid-args',
          issues: reparsed.issues,
          fromHook: true,
          args: decision.args,
        };
      }
      // Marked, so the call's record, span and recording say it ran with other arguments.
      const ready = { type: 'ready', tool, args: reparsed.value, modified: true } as const;
      return confirm ? { ...ready, acknowledged: true } : ready;
    }
  }
  return confirm
    ? { type: 'ready', tool, args, acknowledged: true }
    : { type: 'ready', tool, args };
}

function isArgumentsResult(value: unknown): value is ToolArgumentsResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as { success?: unknown; issues?: unknown };
  if (result.success === true) return true;
  return (
    result.success === false &&
    Array.isArray(result.issues) &&
    result.issues.every(
      (issue) =>
        typeof issue === 'object' &&
        issue !== null &&
        Array.isArray((issue as { path?: unknown }).path) &&
        typeof (issue as { message?: unknown }).message === 'string',
    )
  );
}

/** What is wrong with a `beforeToolCall` decision, or `undefined` for a valid one. */
function checkDecision(decision: unknown): string | undefined {
  if (decision === undefined || decision === null) return undefined;
  if (typeof decision !== 'object') return describeValue(decision);
  const type = (decision as { type?: unknown }).type;
  if (type === 'approve' || type === 'deny') return undefined;
  if (type === 'modify') {
    return 'args' in decision ? undefined : "{ type: 'modify' } without args";
  }
  return `an object with type ${describeValue(type)}`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null)
    return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/**
 * The tool's `parseArgs`, never throwing: a parser that throws or returns something else is an
 * argument issue the model is told about. @internal
 */
export function safeParseArgs(
  tool: FunctionTool<unknown, unknown>,
  args: unknown,
): ToolArgumentsResult<unknown> {
  try {
    const result: unknown = tool.parseArgs(args);
    if (isArgumentsResult(result)) {
      // What a validator found is told to the model, the record and the events: bounded there.
      return result.success
        ? result
        : { success: false, issues: boundArgumentIssues(result.issues) };
    }
    // A hand-made or third-party FunctionTool whose parseArgs breaks its contract.
    return {
      success: false,
      issues: [
        {
          path: [],
          message: `the arguments could not be checked: the tool's parseArgs returned ${describeValue(result)} instead of { success, value } or { success: false, issues }`,
        },
      ],
    };
  } catch (error) {
    // A schema that throws (an async refinement, a bug) is reported like invalid arguments.
    return {
      success: false,
      issues: boundArgumentIssues([
        {
          path: [],
          message: `the arguments could not be checked: ${describeThrown(error)}`,
        },
      ]),
    };
  }
}

/** The longest denial the model gets from the approval hook, as a plugin's deny is bounded (1,000). */
const MAX_DENIAL = 1_000;

/**
 * A denial the model and the events get, cut at {@link MAX_DENIAL} characters (never inside an
 * emoji) with what was left out said: the hook's message is the application's text, and a hook
 * that quotes a whole upstream response must not fill the model's context with it.
 */
function boundDenial(message: string): string {
  return cutTextNoted(message, MAX_DENIAL);
}
