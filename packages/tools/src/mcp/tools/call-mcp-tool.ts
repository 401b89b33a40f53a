import type { Logger, ToolExecuteContext } from '@gemloop/core';
import { toolResult } from '@gemloop/core';
import type { ToolResultWithParts } from '@gemloop/core/tools';
import { MAX_MCP_TIMEOUT_MS } from '../connect/mcp-option-checks.ts';
import { type AskUrl, askForRequiredUrls } from '../elicitation/url-elicitations.ts';
import { toMcpCallError } from '../errors/to-mcp-call-error.ts';
import { trackCall } from '../server-requests/mcp-calls-in-flight.ts';
import type { McpResultSchema } from './keep-structured-content.ts';
import type { McpCallToolResult, McpClient } from './mcp-client.ts';
import { toMcpToolOutput } from './to-mcp-tool-output.ts';

/**
 * The `_meta` key that carries gemloop's call id to the MCP server (`params._meta` of
 * `tools/call`), so server logs can be matched to the agent's.
 */
export const MCP_TOOL_CALL_ID_META_KEY = 'gemloop/toolCallId';

/** What an MCP tool's `execute` returns: the response object, or it with media `parts`. */
export type McpToolResult = Record<string, unknown> | ToolResultWithParts;

/** What every call of one connection's tools shares. @internal */
export type McpToolCaller = {
  client: McpClient;
  /** The server, as errors and logs name it. */
  server: string;
  /** The tools' own logger (`createMcpTools`' `logger`, as a child): used when one was given. */
  log: Logger;
  /** Whether `createMcpTools` was given a logger; else each call logs to the agent's. */
  ownLogger: boolean;
  /** The SDK's result schema with `structuredContent` kept; undefined without the SDK. */
  resultSchema: McpResultSchema | undefined;
  /** The checked time limit of one call; undefined when lifted. */
  timeoutMs: number | undefined;
  /** The media types sent as `functionResponse.parts`, lower-case. */
  mediaTypes: ReadonlySet<string>;
  /** Hides header and environment values in error messages. */
  redact: (text: string) => string;
  /** How the connection asks the user to open a page a server requires before a call. */
  askUrl: AskUrl | undefined;
  /** Whether the connection was closed. */
  isClosed: (() => boolean) | undefined;
  /** The error that closed the connection when a cap of gemloop's did, worded for `server`. */
  closedBy: ((server: string) => Error | undefined) | undefined;
};

/** Which tool a call is of: its MCP name, that name as shown, and its gemloop name. @internal */
export type McpToolNames = { mcpName: string; shownName: string; name: string };

/**
 * Calls one MCP tool for the agent: `tools/call` with the call id in `_meta`, tracked for the
 * server's questions during it, asked again once after a required page (URL elicitation), and
 * the result mapped to a function response; an `isError` result, a crash, a time limit or a
 * closed connection thrown as an `McpToolCallError`, the agent's abort as its own reason.
 * @internal
 */
export async function callMcpTool(
  caller: McpToolCaller,
  { mcpName, shownName, name }: McpToolNames,
  args: Record<string, unknown>,
  context: ToolExecuteContext,
): Promise<McpToolResult> {
  const { client, server, timeoutMs, redact } = caller;
  const { signal: callSignal, toolCallId } = context;
  // The agent's logger carries the run and step; a logger given to createMcpTools is used instead.
  const callLog = caller.ownLogger ? caller.log : context.logger;
  const fields = { server, toolName: name, mcpToolName: shownName, toolCallId };
  const debug = callLog.isLevelEnabled?.('debug') !== false;
  const started = debug ? performance.now() : 0;
  if (debug) callLog.debug(fields, 'mcp tool call started');
  let result: McpCallToolResult;
  // The server may ask the user something in the middle of the call: its handler is told
  // which calls run (see answerMcpServerRequests).
  // A durable run's key of the call (@gemloop/dbos `durableContext`): the same when the call
  // runs again after a crash, so what the server asks again keeps its id; and its run's id, for
  // the broker to ask whose run it is.
  const { idempotencyKey: key, runId } = context as { idempotencyKey?: unknown; runId?: unknown };
  const done = trackCall(
    client,
    { toolCallId, toolName: name },
    args,
    typeof key === 'string' ? key : undefined,
    typeof key === 'string' && typeof runId === 'string' ? runId : undefined,
  );
  try {
    if (caller.isClosed?.() === true) throw new Error('Not connected');
    const call = () =>
      client.callTool(
        { name: mcpName, arguments: args, _meta: { [MCP_TOOL_CALL_ID_META_KEY]: toolCallId } },
        // A zod schema to the SDK; `McpClient` declares none, so an SDK `Client` still fits it.
        caller.resultSchema as undefined,
        // With the limit lifted, the SDK's own 60 s default must not cut calls the agent allows.
        { signal: callSignal, timeout: timeoutMs ?? MAX_MCP_TIMEOUT_MS },
      );
    try {
      result = await call();
    } catch (error) {
      // The server wants the user to open some pages first: once they have, the call is made
      // again, once (the spec's URLElicitationRequiredError flow).
      if (callSignal.aborted || !(await askForRequiredUrls(caller.askUrl, error, callSignal)))
        throw error;
      result = await call();
    }
  } catch (error) {
    // The agent aborted the call (its own time limit or the run's signal): let it see its reason.
    if (callSignal.aborted) throw callSignal.reason;
    const callError = toMcpCallError({
      // A connection closed under the call by a cap of gemloop's says so, not "server gone".
      error: isConnectionClosed(error) ? (caller.closedBy?.(server) ?? error) : error,
      server,
      toolName: name,
      mcpToolName: shownName,
      toolCallId,
      timeoutMs,
      redact,
    });
    if (debug)
      callLog.debug(
        { ...fields, reason: callError.reason, err: callError },
        'mcp tool call failed',
      );
    throw callError;
  } finally {
    done();
  }
  const output = toMcpToolOutput(result, caller.mediaTypes);
  if (debug) {
    const durationMs = Math.round(performance.now() - started);
    callLog.debug(
      { ...fields, durationMs, isError: output.isError, parts: output.parts.length },
      'mcp tool call ended',
    );
  }
  if (output.isError) {
    throw toMcpCallError({
      error: undefined,
      isErrorText: output.text,
      structuredContent: output.structuredContent,
      server,
      toolName: name,
      mcpToolName: shownName,
      toolCallId,
      timeoutMs,
      redact,
    });
  }
  if (output.parts.length === 0) return output.response;
  return toolResult({ response: output.response, parts: output.parts });
}

/** The SDK's rejection of a request whose connection closed (`ErrorCode.ConnectionClosed`). */
function isConnectionClosed(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === -32000;
}
