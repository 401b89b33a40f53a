import type { ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
// The SDK's own spawner: on Windows it finds `npx.cmd` and the like, which a plain spawn without
// a shell cannot start.
import spawn from 'cross-spawn';
import { answerForInvalidMessage } from './answer-for-invalid-message.ts';
import { createLineSplitter } from './create-line-splitter.ts';

/** What {@link McpStdioTransport} is built from. @internal */
export type McpStdioTransportOptions = {
  command: string;
  args: readonly string[];
  /** Added to the SDK's safe default environment (`getDefaultEnvironment`). */
  env?: Record<string, string> | undefined;
  cwd?: string | undefined;
  stderr: 'pipe' | 'inherit' | 'ignore';
  /** The most bytes of one message (one line of the server's stdout). */
  maxLineBytes: number;
};

/** How long `close()` waits for the process after closing its stdin, then after SIGTERM (the SDK's). */
const CLOSE_WAIT_MS = 2000;

/**
 * The MCP SDK's `StdioClientTransport` (1.32.2) with a linear line reader: the process is started,
 * fed and ended as the SDK does (its environment default, `cross-spawn`, stdin closed, then
 * SIGTERM, then SIGKILL), but stdout is framed by {@link createLineSplitter}, which refuses a line
 * as soon as it passes `maxLineBytes`. The SDK's `ReadBuffer` joins its whole buffer with each
 * chunk (quadratic in a line's length: ~2 GiB copied for a 16 MiB line) and cannot be replaced
 * through its public API.
 * @internal
 */
export class McpStdioTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: Transport['onmessage'];
  /**
   * The server's stderr with `stderr: 'pipe'`, there before `start()` so no early line is lost;
   * `null` otherwise.
   */
  readonly stderr: PassThrough | null;
  readonly #options: McpStdioTransportOptions;
  #process: ChildProcess | undefined;
  #started = false;
  #refusedLineBytes: number | undefined;

  constructor(options: McpStdioTransportOptions) {
    this.#options = options;
    this.stderr = options.stderr === 'pipe' ? new PassThrough() : null;
  }

  /** The bytes of the line refused at `maxLineBytes` (the connection was then closed), if one was. */
  get refusedLineBytes(): number | undefined {
    return this.#refusedLineBytes;
  }

  /** Starts the server process; resolves once it runs, rejects when it cannot be started. */
  start(): Promise<void> {
    if (this.#started) return Promise.reject(new Error('McpStdioTransport already started.'));
    this.#started = true;
    const { command, args, env, cwd, stderr, maxLineBytes } = this.#options;
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...args], {
        env: { ...getDefaultEnvironment(), ...env },
        stdio: ['pipe', 'pipe', stderr],
        shell: false,
        windowsHide: process.platform === 'win32',
        ...(cwd === undefined ? {} : { cwd }),
      });
      this.#process = child;
      child.on('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.on('spawn', () => resolve());
      child.on('close', () => {
        this.#process = undefined;
        this.onclose?.();
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      const lines = createLineSplitter({
        maxLineBytes,
        onLine: (line) => this.#receive(line),
        onTooLong: (receivedBytes) => this.#refuse(child, receivedBytes),
      });
      child.stdout?.on('data', (chunk: Buffer) => lines.feed(chunk));
      child.stdout?.on('error', (error) => this.onerror?.(error));
      if (this.stderr !== null) child.stderr?.pipe(this.stderr);
    });
  }

  /** Writes one message as a line of the server's stdin, waiting for the pipe to drain. */
  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      const stdin = this.#process?.stdin;
      if (stdin == null) throw new Error('Not connected');
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Ends the process: stdin closed, then SIGTERM, then SIGKILL, each after waiting 2 s. */
  async close(): Promise<void> {
    const child = this.#process;
    if (child === undefined) return;
    this.#process = undefined;
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const closedOrWaited = () =>
      Promise.race([
        closed,
        new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref()),
      ]);
    const kill = (signal: NodeJS.Signals): void => {
      try {
        child.kill(signal);
      } catch {
        // Gone meanwhile.
      }
    };
    try {
      child.stdin?.end();
    } catch {
      // Already broken: the signals below still end it.
    }
    await closedOrWaited();
    if (child.exitCode === null) {
      kill('SIGTERM');
      await closedOrWaited();
    }
    if (child.exitCode === null) kill('SIGKILL');
  }

  #receive(line: string): void {
    // Parsed once, then checked: a line that is JSON but not JSON-RPC is still read for its id.
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      // Not JSON: reported, and the next line is read (as the SDK does).
      this.onerror?.(error as Error);
      return;
    }
    const checked = JSONRPCMessageSchema.safeParse(value);
    if (checked.success) {
      this.onmessage?.(checked.data);
      return;
    }
    this.onerror?.(checked.error);
    // An answer the schema refused fails its request now, not at its time limit (attack43b).
    const answer = answerForInvalidMessage(value, { refusedBySchema: true });
    if (answer !== undefined) this.onmessage?.(answer);
  }

  #refuse(child: ChildProcess, receivedBytes: number): void {
    this.#refusedLineBytes = receivedBytes;
    // Nothing more of it is read: the server's next write fails instead of filling the pipe.
    child.stdout?.destroy();
    this.onerror?.(
      new Error(
        `The server wrote a line of more than ${this.#options.maxLineBytes} bytes; the connection is closed.`,
      ),
    );
    this.close().catch(() => {});
  }
}
