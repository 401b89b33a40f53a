import { boundValue, cutName, cutText } from './live-line-bounds.ts';
import { usageOf } from './live-usage.ts';
import type { LiveRecorderEvent, RecordedLiveLine } from './recorded-live.ts';

/** How a session's lines redact and bound what the server and the tools wrote. @internal */
export type LiveLineRedaction = {
  /** Removes the client's key from a text (before it is cut). */
  redacted: (text: string) => string;
  /** Redacts a tool call's secret arguments (the tool's `secretArguments`). */
  redactArgs: ((toolName: string, args: Record<string, unknown>) => unknown) | undefined;
};

/**
 * The line one event of a live session is recorded as on its own (a reconnection, a tool call,
 * its result or error, usage, a plugin's event, the finish, a guardrail), or undefined for an
 * event that is part of a model turn or is not recorded. A server's name, id or message is
 * redacted before it is cut: a key the cut went through would keep its start, which the whole
 * line's redaction no longer finds.
 * @internal
 */
export function liveEventLine(
  event: LiveRecorderEvent,
  at: number,
  { redacted, redactArgs }: LiveLineRedaction,
): RecordedLiveLine | undefined {
  const name = (text: string): string => cutName(redacted(text));
  // What ran when an approval modified a call (leftovers58), as the run recorder writes it.
  const modified = (toolName: string, args: Record<string, unknown> | undefined) =>
    args === undefined ? {} : { modifiedArgs: boundValue(redactArgs?.(toolName, args) ?? args) };
  switch (event.type) {
    case 'reconnect':
      return {
        type: 'reconnect',
        reason: event.reason,
        attempt: event.attempt,
        discardedTurn: event.discardedTurn,
        at,
      };
    case 'tool-call':
      return {
        type: 'tool-call',
        toolCallId: name(event.toolCallId),
        toolName: name(event.toolName),
        args: boundValue(redactArgs?.(event.toolName, event.args) ?? event.args),
        behavior: event.behavior,
        ...(event.idless === true ? { idless: true } : {}),
        at,
      };
    case 'tool-result':
      return {
        type: 'tool-result',
        toolCallId: name(event.toolCallId),
        toolName: name(event.toolName),
        output: boundValue(event.output),
        ...(event.scheduling === undefined ? {} : { scheduling: event.scheduling }),
        ...modified(event.toolName, event.modifiedArgs),
        at,
      };
    case 'tool-error':
      return {
        type: 'tool-error',
        toolCallId: name(event.toolCallId),
        toolName: name(event.toolName),
        outcome: event.outcome,
        message: cutText(redacted(event.message)),
        ...modified(event.toolName, event.modifiedArgs),
        at,
      };
    case 'usage':
      return { type: 'usage', usage: usageOf(event.usage), cost: event.cost, at };
    // As a run's recording keeps them (a plugin keeps secrets out of its data).
    case 'plugin':
      return {
        type: 'plugin',
        plugin: event.plugin,
        kind: event.kind,
        ...(event.data === undefined ? {} : { data: boundValue(event.data) }),
        at,
      };
    case 'finish':
      return { type: 'finish', stoppedBy: event.stoppedBy, at };
    // As a run's recording keeps them: the reason (bounded), never the value checked.
    case 'guardrail':
      return {
        type: 'guardrail',
        name: event.name,
        phase: event.phase,
        verdict: event.verdict,
        tripped: event.tripped,
        ...(event.reason === undefined ? {} : { reason: boundValue(event.reason) as string }),
        ...(event.toolName === undefined ? {} : { toolName: name(event.toolName) }),
        ...(event.toolCallId === undefined ? {} : { toolCallId: name(event.toolCallId) }),
        at,
      };
    default:
      return undefined;
  }
}
