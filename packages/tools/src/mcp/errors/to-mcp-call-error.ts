import { ResponseTooLargeError } from '@gemloop/core/errors';
import { boundStructuredContent } from './bound-structured-content.ts';
import { boundErrorDetail, describeErrorChain, redactError } from './describe-error-chain.ts';
import { McpToolCallError } from './mcp-tool-call-error.ts';

// JSON-RPC error codes the MCP SDK uses for its own failures (`ErrorCode` in its types.js); not
// imported, so that this file does not load the SDK.
const connectionClosedCode = -32000;
const requestTimeoutCode = -32001;

/** The key of the `data` of the JSON-RPC error the HTTP client writes past its cap. @internal */
export const RESPONSE_TOO_LARGE = 'gemloopResponseTooLarge';

/**
 * The most characters of a failed tool's own text (`isError`) its `McpToolCallError` message
 * keeps; more is cut, and said. The model reads 1,000 by default (`safeToolErrorMessage`); an
 * `onToolError` of the app's may show more.
 */
export const MAX_MCP_TOOL_ERROR_TEXT_LENGTH = 16_384;

/**
 * The key of the `data` of the JSON-RPC error the stdio client writes in place of an answer that
 * is not JSON-RPC (`answerForInvalidMessage`). @internal
 */
export const INVALID_ANSWER = 'gemloopInvalidAnswer';

/** Whether `error` carries the `data` key `key` (an error gemloop wrote, not the server). */
function hasDataKey(error: unknown, key: string): boolean {
  const data = (error as { data?: unknown } | null)?.data;
  return typeof data === 'object' && data !== null && key in data;
}

/**
 * Whether `error` is the JSON-RPC error the HTTP client wrote in place of an event past its cap
 * (its `data` carries the key; a server that wrote it too only changes the words the model reads).
 */
function isCappedAnswer(error: unknown): boolean {
  return hasDataKey(error, RESPONSE_TOO_LARGE);
}

/**
 * Turns what a tool call threw (or an `isError` result) into an {@link McpToolCallError} whose
 * message the model can act on. Secrets are removed from any text that came from the transport,
 * and that text is cut at `MAX_MCP_ERROR_DETAIL_LENGTH` (500) characters.
 * @internal
 */
export function toMcpCallError({
  error,
  isErrorText,
  structuredContent,
  server,
  toolName,
  mcpToolName,
  toolCallId,
  timeoutMs,
  redact,
}: {
  error: unknown;
  /**
   * Set for an `isError` result: the tool's own text (`''` when it sent none: then the JSON of
   * `structuredContent` is the message).
   */
  isErrorText?: string | undefined;
  /** An `isError` result's `structuredContent`: redacted and bounded on the error. */
  structuredContent?: Record<string, unknown> | undefined;
  server: string;
  toolName: string;
  mcpToolName: string;
  toolCallId: string;
  timeoutMs: number | undefined;
  redact: (text: string) => string;
}): McpToolCallError {
  const base = { server, toolName, mcpToolName, toolCallId };
  if (isErrorText !== undefined) {
    // Its structured form is the server's words too: redacted and bounded the same way
    // (leftovers47), and the message when the tool sent no text.
    const bound =
      structuredContent === undefined
        ? undefined
        : boundStructuredContent(structuredContent, redact, MAX_MCP_TOOL_ERROR_TEXT_LENGTH);
    const text = isErrorText === '' && bound !== undefined ? bound.json : isErrorText;
    return new McpToolCallError({
      ...base,
      reason: 'tool-error',
      // The tool's own words are what the model needs; gemloop adds nothing around them. Its
      // server's text like any other: a token of its `env` and 5 MiB went whole into the error,
      // its `toJSON` and every log of it (attack43b).
      message:
        text === ''
          ? `The MCP tool "${mcpToolName}" failed without saying why.`
          : boundErrorDetail(text, redact, MAX_MCP_TOOL_ERROR_TEXT_LENGTH),
      structuredContent: bound?.value,
    });
  }
  const rpcCode = (error as { code?: unknown } | null)?.code;
  // The server writes this text: bounded, and the secrets the connection knows are taken out.
  const detail = boundErrorDetail(describeErrorChain(error), redact);
  if (
    rpcCode === connectionClosedCode ||
    (error instanceof Error && error.message === 'Not connected')
  ) {
    return new McpToolCallError({
      ...base,
      reason: 'connection-closed',
      rpcCode: typeof rpcCode === 'number' ? rpcCode : undefined,
      message: `The connection to the MCP ${server} is closed (the server exited, crashed or was shut down), so "${mcpToolName}" returned no result. Its tools cannot be used until it is reconnected.`,
      cause: redactError(error, redact),
    });
  }
  if (ResponseTooLargeError.isInstance(error) || isCappedAnswer(error)) {
    // Words gemloop wrote (capAnswer in connect-mcp-http.ts), with the server and the cap.
    return new McpToolCallError({
      ...base,
      reason: 'response-too-large',
      message: `The MCP tool "${mcpToolName}" returned no result: ${detail.replace(/^(?:MCP error -?\d+: )+/, '')}`,
      cause: redactError(error, redact),
    });
  }
  if (rpcCode === requestTimeoutCode) {
    return new McpToolCallError({
      ...base,
      reason: 'timeout',
      rpcCode,
      message: `The MCP tool "${mcpToolName}" did not answer ${timeoutMs === undefined ? 'in time' : `within ${timeoutMs} ms`}.`,
      cause: redactError(error, redact),
    });
  }
  if (hasDataKey(error, INVALID_ANSWER)) {
    // Words gemloop wrote (answerForInvalidMessage), naming what was wrong, not the server's.
    return new McpToolCallError({
      ...base,
      reason: 'protocol-error',
      message: `The MCP ${server} answered the call to "${mcpToolName}" with ${detail.replace(/^(?:MCP error -?\d+: )+/, '')}; the call failed. The server does not follow JSON-RPC 2.0: fix the server.`,
      cause: redactError(error, redact),
    });
  }
  if (typeof rpcCode === 'number') {
    // The SDK prefixes `MCP error <code>: ` on both ends, so a server's McpError arrives twice
    // prefixed; the code is stated once instead.
    const reason = detail.replace(/^(?:MCP error -?\d+: )+/, '');
    return new McpToolCallError({
      ...base,
      reason: 'protocol-error',
      rpcCode,
      message: `The MCP ${server} rejected the call to "${mcpToolName}" (JSON-RPC error ${rpcCode}): ${reason}`,
      cause: redactError(error, redact),
    });
  }
  return new McpToolCallError({
    ...base,
    reason: 'failed',
    message: `Calling the MCP tool "${mcpToolName}" failed: ${detail}`,
    cause: redactError(error, redact),
  });
}
