import type { BeforeToolCallContext } from '@gemloop/core/agent';
import { formatArgs, shownText } from '../lib/trace-printer.ts';

/**
 * The line that asks for a call's approval. The name and the arguments are the model's bytes:
 * a cursor-up and erase-line in an argument wrote `delete_file(path: "drafts/x.md")` over the
 * real `.env` call, so both go through `shownText` (escapes written out as text).
 */
export function approvalQuestion(
  call: Pick<BeforeToolCallContext, 'toolName' | 'rawArgs'>,
): string {
  return `\n${describeCall(call)}\n  [a]pprove, [d]eny, [e]dit? `;
}

/** `delete_file(path: ".env")`, control characters escaped. */
export function describeCall(call: Pick<BeforeToolCallContext, 'toolName' | 'rawArgs'>): string {
  return `${shownText(call.toolName)}(${formatArgs(call.rawArgs)})`;
}
