import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { INVALID_ANSWER } from '../errors/to-mcp-call-error.ts';

// JSON-RPC's "Internal error": the client's own, written in place of the server's answer.
const internalErrorCode = -32603;

/**
 * For a message the SDK's schema refused that is shaped as an answer (an `id`, no `method`): a
 * JSON-RPC error answer of that id saying what was wrong with it, to hand the SDK instead, so the
 * request it answers fails now. Refused and dropped, it left the request waiting for its time
 * limit (60 s by default), then reported as unanswered (attack43b). `undefined` for anything else
 * (not an object, a request or notification, an id of neither type).
 * @internal
 */
export function answerForInvalidMessage(
  value: unknown,
  {
    refusedBySchema,
  }: {
    /**
     * Whether the SDK's schema refused it: then an answer that passes the checks here is still
     * answered (for a fault they do not name). Without it (an event stream, read beside the
     * SDK), only a fault named here is, and the schema is not run a second time on each event.
     */
    refusedBySchema: boolean;
  },
): JSONRPCMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  const { id } = message;
  if ('method' in message || (typeof id !== 'string' && typeof id !== 'number')) return undefined;
  const problem =
    whatIsWrong(message) ??
    (refusedBySchema ? 'it does not match the JSON-RPC 2.0 schema' : undefined);
  if (problem === undefined) return undefined;
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: internalErrorCode,
      message: `a message that is not a valid JSON-RPC response (${problem})`,
      data: { [INVALID_ANSWER]: true },
    },
  };
}

/** What is wrong with an answer, in the spec's words (never its own values); `undefined` for nothing found. */
function whatIsWrong(message: Record<string, unknown>): string | undefined {
  if (message['jsonrpc'] !== '2.0') return '"jsonrpc" is not "2.0"';
  const hasResult = 'result' in message;
  const hasError = 'error' in message;
  if (hasResult && hasError) return 'it has both a "result" and an "error"';
  if (!hasResult && !hasError) return 'it has neither a "result" nor an "error"';
  if (hasResult) {
    const result = message['result'];
    return typeof result === 'object' && result !== null && !Array.isArray(result)
      ? undefined
      : '"result" is not an object';
  }
  const error = message['error'];
  if (typeof error !== 'object' || error === null || Array.isArray(error))
    return '"error" is not an object';
  const { code, message: text } = error as Record<string, unknown>;
  if (!Number.isInteger(code)) return '"error.code" is not an integer';
  if (typeof text !== 'string') return '"error.message" is not a string';
  return undefined;
}
