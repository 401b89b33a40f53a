import type { Readable, TransformCallback, Writable } from 'node:stream';
import { InvalidArgumentError } from '@gemloop/core/errors';
import type { RunOwner } from '@gemloop/core/web';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createStdioReadBuffer } from './stdio-read-buffer.ts';

/**
 * The longest line (one JSON-RPC message) `connectStdio` reads by default: 4 MiB, four times an
 * HTTP body's default bound (the stdio peer is the process that started the server, and a
 * desktop client may pass a file's text in one call), well under the SDK's own 10 MiB buffer.
 * @internal
 */
export const DEFAULT_STDIO_MESSAGE_BYTES: number = 4 * 1024 * 1024;

/** Options of `McpDoor.connectStdio`. */
export type ConnectStdioOptions = {
  /** The stream the client writes to. @defaultValue `process.stdin` */
  stdin?: Readable | undefined;
  /** The stream the door answers on. @defaultValue `process.stdout` */
  stdout?: Writable | undefined;
  /** Where the door says why it closed the connection (MCP's stdio log). @defaultValue `process.stderr` */
  stderr?: Writable | undefined;
  /**
   * The longest message (one line, in bytes, without its line end) the door reads: a longer one
   * is answered with a JSON-RPC error (`-32000`, `id: null`), said on `stderr`, given to
   * `onError`, and the connection is closed, having held at most this much of it.
   * @defaultValue 4 MiB
   */
  maxMessageBytes?: number | undefined;
  /** The connection's owner, as `connect` takes it. @defaultValue `'local'` */
  owner?: RunOwner | undefined;
};

/**
 * Connects the door on stdio through the SDK's `StdioServerTransport`, each line bounded: the
 * SDK reads until a line end, and before 1.32 (our range starts at 1.24) it held a line without
 * one however long it grew; 1.32 holds up to 10 MiB, then closes without a word. Lines pass
 * through a counting gate that stops reading at the bound, so the SDK never holds more. Node
 * only: loaded on call, so the door's module stays importable elsewhere. @internal
 */
export async function connectStdio(
  connect: (transport: Transport, options: { owner?: RunOwner | undefined }) => Promise<Server>,
  options: ConnectStdioOptions,
  onError: (error: unknown) => void,
): Promise<Server> {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_STDIO_MESSAGE_BYTES;
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 1) {
    throw new InvalidArgumentError({
      argument: 'maxMessageBytes',
      message: `connectStdio({ maxMessageBytes }) must be a whole number of bytes of at least 1; got ${String(maxMessageBytes).slice(0, 40)}.`,
    });
  }
  const [{ StdioServerTransport }, { Transform }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('node:stream'),
  ]);
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  let line = 0;
  let overflowed = false;
  const gate = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      if (overflowed) return done();
      line = longestLine(chunk, line, maxMessageBytes);
      if (line <= maxMessageBytes) return done(null, chunk);
      overflowed = true;
      done();
      tooLong();
    },
  });
  const transport = new StdioServerTransport(gate, stdout);
  // The SDK's reader drops a request its schema refuses without an answer; this one hands it on
  // to be answered (`refuseMalformedRequests`). The field is the SDK's own (1.x), checked here so
  // that an SDK without it keeps its reader rather than failing.
  const held = transport as unknown as { _readBuffer?: unknown };
  if (typeof held._readBuffer === 'object' && held._readBuffer !== null) {
    held._readBuffer = createStdioReadBuffer();
  }

  function tooLong(): void {
    stdin.unpipe(gate);
    stdin.pause();
    const words = `Message too large: a line on stdin is over ${maxMessageBytes} bytes (maxMessageBytes); the MCP connection is closed.`;
    stderr.write(`gemloop MCP door: ${words}\n`);
    onError(new Error(words));
    transport
      .send({ jsonrpc: '2.0', id: null, error: { code: -32000, message: words } } as never)
      .catch(() => {})
      .finally(() => transport.close().catch(onError));
  }

  // MCP's stdio shutdown is the client closing the server's stdin (spec 2025-06-18,
  // "Lifecycle"): the SDK's transport listens for data and errors only, so a client that left
  // mid-call had its run go on calling the model for no one (attack49b). Closing the transport
  // aborts every call in flight (the SDK's `_onclose`).
  const left = (): void => void transport.close().catch(onError);
  stdin.once('end', left);
  stdin.once('close', left);
  // Set before `connect`, which calls it ahead of its own: a connection closed either way
  // leaves nothing of the door on the client's stream.
  transport.onclose = () => {
    stdin.off('end', left);
    stdin.off('close', left);
    stdin.unpipe(gate);
  };
  stdin.pipe(gate);
  return connect(transport, { owner: options.owner });
}

/**
 * The length of the longest line in `chunk` seen so far, `carried` bytes of the current line
 * coming before it; the current line's length when the chunk ends inside it. Stops at `bound`.
 */
function longestLine(chunk: Buffer, carried: number, bound: number): number {
  let start = 0;
  let current = carried;
  for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
    if (current + end - start > bound) return current + end - start;
    current = 0;
    start = end + 1;
  }
  return current + chunk.length - start;
}
