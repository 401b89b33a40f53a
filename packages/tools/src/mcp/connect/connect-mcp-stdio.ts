import { basename } from 'node:path';
import { ResponseTooLargeError } from '@gemloop/core/errors';
import {
  arrayOption,
  checkOptionsCopy,
  copiedOption,
  createSecretRedactor,
  type DeclaredOptions,
  defineOptions,
  integerOption,
  oneOfOption,
  required,
  stringOption,
} from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import {
  boundErrorDetail,
  describeErrorChain,
  findErrorCode,
  redactError,
} from '../errors/describe-error-chain.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { captureMcpStderr } from './capture-mcp-stderr.ts';
import { loadMcpStdioSdk } from './load-mcp-sdk.ts';
import type { McpConnection, McpConnectOptions } from './mcp-connection.ts';
import { mcpConnectChecks, mcpToolsChecks, stringRecordOption } from './mcp-option-checks.ts';
import { DEFAULT_MCP_CONNECT_TIMEOUT_MS, openMcpConnection } from './open-mcp-connection.ts';

/** The options of {@link connectMcpStdio}. */
export type ConnectMcpStdioOptions = McpConnectOptions & {
  /** The program to start, e.g. `node`, `npx`, `uvx`, `docker`. Not run through a shell. */
  command: string;
  args?: readonly string[] | undefined;
  /**
   * Extra environment variables. The server gets only these plus `HOME`, `LOGNAME`, `PATH`,
   * `SHELL`, `TERM`, `USER` of this process (the MCP SDK's safe default), never the whole
   * environment. Their values are kept out of errors and logs.
   */
  env?: Record<string, string> | undefined;
  /** The server's working directory. @defaultValue this process's */
  cwd?: string | undefined;
  /**
   * The server's stderr: `pipe` keeps the last lines for error messages and logs each line at
   * `debug`; `inherit` passes it to this process's stderr; `ignore` drops it.
   * @defaultValue 'pipe'
   */
  stderr?: 'pipe' | 'inherit' | 'ignore' | undefined;
  /**
   * The most bytes of one message of the server (one line of its stdout). Past it the rest is not
   * read, the process is ended, and the call fails with `McpToolCallError` `response-too-large`
   * naming the server and the cap (while connecting, `McpServerError`). Raise it for a server
   * whose answers are genuinely larger. Enforced as the bytes arrive, whatever the SDK's version.
   * @defaultValue 16777216 (16 MiB, as `connectMcpHttp`'s)
   */
  maxResponseBytes?: number | undefined;
};

/** 16 MiB, as `connectMcpHttp`'s: four times the text of Gemini's largest context window. */
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

// An error message shows the last part of the kept stderr.
const stderrInMessage = 1500;

/**
 * Starts an MCP server as a child process, talks to it over stdin/stdout, and returns its tools
 * with a `close()` that ends the process (also every tool's `close()`, so closing the agent does).
 *
 * @example
 * const files = await connectMcpStdio({
 *   command: 'npx',
 *   args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp/work'],
 *   prefix: 'fs_',
 * });
 * const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: files.tools });
 * try { await agent.run('List the files.'); } finally { await files.close(); }
 *
 * @throws {@link McpServerError} `start-failed` (command not found), `connect-failed` (exited or
 * timed out before the handshake; the message ends with the server's last stderr lines),
 * `list-failed`, `invalid-tool`, or `sdk-not-installed`.
 * @throws {@link @gemloop/core!InvalidArgumentError | InvalidArgumentError} for invalid options.
 */
export async function connectMcpStdio(given: ConnectMcpStdioOptions): Promise<McpConnection> {
  const options = checkOptions(given);
  const { command, args = [], env, cwd, stderr = 'pipe', logger = silentLogger } = options;
  // Arguments are left out: they often carry tokens (`--api-key ...`).
  const server = `server "${basename(command)}" (stdio)`;
  const redact = createSecretRedactor(Object.values(env ?? {}));
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const { Client, McpStdioTransport } = await loadMcpStdioSdk(server);
  const transport = new McpStdioTransport({
    command,
    args,
    env,
    cwd,
    stderr,
    // A line that never ends would grow without bound: past the cap it is refused as it arrives,
    // and the transport closes (attack12).
    maxLineBytes: maxBytes,
  });
  // What closed the connection, when the cap did: the calls then in flight fail as too large,
  // not as a server that went away.
  const closedBy = (named: string): ResponseTooLargeError | undefined => {
    const receivedBytes = transport.refusedLineBytes;
    return receivedBytes === undefined
      ? undefined
      : new ResponseTooLargeError({
          message: `The MCP ${named} wrote a message of more than ${maxBytes} bytes (one line of its stdout): the rest was not read and the process was ended. Raise maxResponseBytes in connectMcpStdio if its answers are genuinely that large.`,
          url: `stdio:${basename(command)}`,
          method: 'mcp',
          // No HTTP status on a pipe.
          status: 0,
          maxBytes,
          receivedBytes,
        });
  };
  // With `pipe` the transport hands out a PassThrough before the process starts.
  const tail =
    stderr === 'pipe'
      ? captureMcpStderr({
          stream: transport.stderr,
          logger,
          redact,
          secrets: Object.values(env ?? {}),
        })
      : undefined;

  return openMcpConnection({
    Client,
    transport,
    options,
    server,
    redact,
    closedBy,
    toConnectError: async (error) => {
      const tooLarge = closedBy(server);
      if (tooLarge !== undefined) {
        return new McpServerError({
          server,
          reason: 'connect-failed',
          message: tooLarge.message,
          cause: tooLarge,
        });
      }
      // The process's last stderr chunks can arrive just after the exit is seen.
      await new Promise((resolve) => setImmediate(resolve));
      const stderrText = tail?.() ?? '';
      const stderrNote =
        stderrText === ''
          ? ''
          : `\nThe server's stderr ended with:\n${stderrText.slice(-stderrInMessage)}`;
      const code = findErrorCode(error);
      const rpcCode = (error as { code?: unknown } | null)?.code;
      const common = {
        server,
        stderr: stderrText === '' ? undefined : stderrText,
        cause: redactError(error, redact),
      };
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'ENOTDIR') {
        const why =
          code === 'ENOENT'
            ? `"${command}" was not found on the PATH${cwd === undefined ? '' : ', or the cwd does not exist'}`
            : `"${command}" could not be run (${code}: not executable or not permitted)`;
        return new McpServerError({
          ...common,
          reason: 'start-failed',
          message: `Could not start the MCP ${server}: ${why}. Check \`command\`${cwd === undefined ? '' : ' and `cwd`'}; the server sees only PATH, HOME, LOGNAME, SHELL, TERM, USER and the \`env\` you pass.`,
        });
      }
      let message: string;
      if (rpcCode === -32000) {
        message = `The MCP ${server} exited before completing the MCP handshake.`;
      } else if (rpcCode === -32001) {
        message = `The MCP ${server} did not complete the MCP handshake within ${options.connectTimeoutMs ?? DEFAULT_MCP_CONNECT_TIMEOUT_MS} ms (is it an MCP server speaking stdio?).`;
      } else {
        message = `The MCP handshake with the ${server} failed: ${boundErrorDetail(describeErrorChain(error), redact)}`;
      }
      return new McpServerError({
        ...common,
        reason: 'connect-failed',
        message: message + stderrNote,
      });
    },
  });
}

/** The options of {@link connectMcpStdio}, declared once. @internal */
export const connectMcpStdioOptions: DeclaredOptions<ConnectMcpStdioOptions> =
  defineOptions<ConnectMcpStdioOptions>({
    name: 'connectMcpStdio',
    example: '{ command, args, env, cwd }',
    checks: {
      ...mcpToolsChecks,
      ...mcpConnectChecks,
      command: required(
        stringOption({
          nonEmpty: true,
          message:
            'connectMcpStdio needs a command to start, e.g. { command: "npx", args: ["-y", "some-mcp-server"] }.',
        }),
      ),
      // Copied by checkOptionsCopy, each argument and value read once (attack20: an `env`
      // getter gave the secret redactor one value and the server another).
      args: copiedOption(
        arrayOption({
          item: (arg) => typeof arg === 'string',
          message: 'connectMcpStdio args must be an array of strings.',
        }),
      ),
      env: copiedOption(
        stringRecordOption(
          'connectMcpStdio env must be an object of string values (names to values).',
        ),
      ),
      cwd: stringOption({ message: 'connectMcpStdio cwd must be a path string.' }),
      maxResponseBytes: integerOption({
        min: 1,
        message: (_path, value) =>
          `connectMcpStdio maxResponseBytes must be a positive whole number of bytes, such as 67108864 (64 MiB); got ${JSON.stringify(value) ?? String(value)}.`,
      }),
      stderr: oneOfOption(
        ['pipe', 'inherit', 'ignore'],
        (_path, value) =>
          `connectMcpStdio stderr must be 'pipe', 'inherit' or 'ignore', got ${JSON.stringify(value)}.`,
      ),
    },
  });

/**
 * The options copied, each option, argument and environment value read once, and checked
 * (attack20: an `env` getter gave the secret redactor one value and the server another, so the
 * server's stderr reached the error unredacted).
 */
function checkOptions(given: ConnectMcpStdioOptions): ConnectMcpStdioOptions {
  return checkOptionsCopy(connectMcpStdioOptions, given);
}
