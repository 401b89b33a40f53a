// One function call, in two phases: decide-tool-call.ts (find the tool, parse, approval) and
// start-tool-call.ts (execute within its time limit); the types in execute-outcome.ts. A run with
// plugins (tool guardrails among them) takes plugin-tool-call.ts instead.
import { needsConfirmation, readSafetyDecision } from '../../tools/builtin/safety-decision.ts';
import { decideApproved, safeParseArgs, unconfirmed } from './decide-tool-call.ts';
import type { ExecuteOutcome, RunToolCallOptions } from './execute-outcome.ts';
import { start, startToolCall } from './start-tool-call.ts';

/**
 * One function call: find the tool, parse the arguments, ask `beforeToolCall`, run `execute`
 * within its time limit. Never throws, and settles as soon as `signal` aborts (a tool that ignores
 * its context signal keeps running in the background, but the run does not wait for it).
 *
 * The outcome is returned as it is, not as a promise, when nothing had to be waited for (no
 * approval hook, a synchronous tool or a call that failed before running): most calls of a turn
 * then cost no promise at all.
 * @internal
 */
export function runToolCall<Output>(
  options: RunToolCallOptions<Output>,
): ExecuteOutcome | Promise<ExecuteOutcome> {
  // decideToolCall then startToolCall, without the object a cleared call is handed over in: this
  // is every call's path (issue 27 counts an allocation per call).
  const { config, call, signal } = options;
  if (signal.aborted) return { type: 'aborted', args: undefined };
  const tool = config.tools.functions.get(call.name);
  if (tool === undefined) return { type: 'unknown-tool', args: undefined };
  const parsed = safeParseArgs(tool, call.args);
  if (!parsed.success)
    return { type: 'invalid-args', issues: parsed.issues, fromHook: false, args: undefined };
  if (options.beforeToolCall !== undefined) {
    return decideApproved(options, tool, parsed.value).then((decided) =>
      decided.type === 'ready' ? startToolCall(options, decided) : decided,
    );
  }
  if (needsConfirmation(readSafetyDecision(call.args))) return unconfirmed(call.name, parsed.value);
  return start(options, tool, parsed.value);
}
