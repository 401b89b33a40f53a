import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { malformedNotification, requestFault } from './refuse-malformed-requests.ts';

/** The SDK's `ReadBuffer` as `StdioServerTransport` uses it (1.x: its `_readBuffer`). @internal */
export type StdioReadBuffer = {
  append(chunk: Buffer): void;
  readMessage(): JSONRPCMessage | null;
  clear(): void;
};

/**
 * A stdio line reader as the SDK's `ReadBuffer` (one JSON-RPC message a line, a CR before the LF
 * dropped), except that a line holding a request or notification the SDK's schema refuses
 * (`params` that are no object, `jsonrpc` not "2.0"), or a batch, is handed on as read, for
 * `refuseMalformedRequests` to answer or drop. The SDK's reader throws on such a line, and its
 * transport only reports the error: the client waited for ever for an answer to its id. Lines are
 * bounded before they arrive (`connectStdio`'s gate), so this holds at most one line and a chunk.
 * @internal
 */
export function createStdioReadBuffer(): StdioReadBuffer {
  let buffer: Buffer | undefined;
  return {
    append(chunk) {
      buffer = buffer === undefined ? chunk : Buffer.concat([buffer, chunk]);
    },
    readMessage() {
      if (buffer === undefined) return null;
      const end = buffer.indexOf(10);
      if (end === -1) return null;
      const line = buffer.toString('utf8', 0, end).replace(/\r$/, '');
      buffer = buffer.subarray(end + 1);
      const parsed: unknown = JSON.parse(line);
      if (
        Array.isArray(parsed) ||
        requestFault(parsed) !== undefined ||
        malformedNotification(parsed)
      ) {
        return parsed as JSONRPCMessage;
      }
      return JSONRPCMessageSchema.parse(parsed);
    },
    clear() {
      buffer = undefined;
    },
  };
}
