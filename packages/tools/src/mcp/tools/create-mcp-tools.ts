import type { DefinedTool, Logger, ToolExecuteContext } from '@gemloop/core';
import { defineTool, InvalidArgumentError } from '@gemloop/core';
import {
  booleanOption,
  checkOptionsCopy,
  createRefsCheckedArgsParser,
  cutText,
  type DeclaredOptions,
  defineOptions,
  findRefProblem,
} from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import { loadMcpToolResultSchema } from '../connect/load-mcp-sdk.ts';
import { mcpToolsChecks } from '../connect/mcp-option-checks.ts';
import { type AskUrl, urlAskerOf } from '../elicitation/url-elicitations.ts';
import {
  plainErrorDetail,
  plainServerName,
  plainToolName,
  redactError,
  withoutControls,
} from '../errors/describe-error-chain.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { callMcpTool, type McpToolCaller, type McpToolResult } from './call-mcp-tool.ts';
import { listMcpTools } from './list-mcp-tools.ts';
import type { McpClient, McpToolInfo } from './mcp-client.ts';
import { stripSchemaPatterns } from './strip-schema-patterns.ts';
import type { McpToolRename } from './to-gemini-function-names.ts';
import { toGeminiFunctionNames } from './to-gemini-function-names.ts';
import { defaultMcpMediaTypes } from './to-mcp-tool-output.ts';

/**
 * The time limit of one MCP tool call when `timeoutMs` is not given: 60 s, the MCP SDK's own
 * request default. Pass `timeoutMs: false` (or `Infinity`) to leave calls to the agent's
 * `toolTimeoutMs` and abort signal instead.
 */
export const DEFAULT_MCP_TIMEOUT_MS = 60_000;

/**
 * The longest tool description (or title, when it stands in) declared to the model, in
 * characters; a longer one is cut, said at its end and in a `warn` log line. A description goes
 * out with every request: a server's 10 MB one (within its answer cap) put every call past the
 * model's window (attack26). 16,384 is 8× the cut Claude Code makes, which hid real tools' usage
 * (anthropics/claude-code#41593: a 9,336-character code-execution tool).
 */
export const MAX_MCP_DESCRIPTION_LENGTH = 16_384;

/** A gemloop tool that calls a tool of an MCP server. */
export type McpTool = DefinedTool<Record<string, unknown>, McpToolResult>;

/** An MCP tool that was left out (`onInvalidTool: 'skip'`), and why. */
export type McpSkippedTool = { mcpName: string; error: McpServerError };

/** The options of {@link createMcpTools} (and of `connectMcpStdio` / `connectMcpHttp`). */
export type McpToolsOptions = {
  /**
   * Put in front of every tool name, e.g. `github_`: keeps the tools of several servers apart and
   * tells the model where a tool comes from. Letters, digits, `_`, `.`, `:`, `-`; at most 64.
   */
  prefix?: string | undefined;
  /**
   * Names already taken (other tools, other servers' tools); an MCP tool whose name would clash
   * gets a suffix instead, reported in `renamed`.
   */
  reservedNames?: Iterable<string> | undefined;
  /** Keeps only the tools for which this returns true (Gemini takes at most 512 declarations). */
  filter?: ((tool: McpToolInfo) => boolean) | undefined;
  /**
   * Time limit of one call in milliseconds: the tools' `timeoutMs` (the agent enforces it) and the
   * MCP SDK's request time limit; a call past it fails with an {@link McpToolCallError}
   * `timeout` the model reads. `false` or `Infinity` lift it: then only the agent's
   * `toolTimeoutMs` (or abort) bounds a call, and a server that never answers hangs the run.
   * @defaultValue {@link DEFAULT_MCP_TIMEOUT_MS} (60 000)
   */
  timeoutMs?: number | false | undefined;
  /**
   * The media types sent to the model as `functionResponse.parts`; others are described in the
   * text output instead. @defaultValue {@link defaultMcpMediaTypes}
   */
  mediaTypes?: readonly string[] | undefined;
  /**
   * What to do with a tool whose schema or name cannot be used: `throw` an
   * {@link McpServerError}, or `skip` it (logged at `warn`, listed in `skipped`).
   * @defaultValue 'throw'
   */
  onInvalidTool?: 'throw' | 'skip' | undefined;
  /** Logs listing, renames (`warn`), and every call (`debug`, with the call id). */
  logger?: Logger | undefined;
  /** A name for the server in errors and logs. @defaultValue the server's own `serverInfo.name` */
  serverName?: string | undefined;
  /**
   * Whether the tools' `close()` (called when the agent closes) closes `client`. Off by default:
   * the client is yours. `connectMcpStdio`/`connectMcpHttp` open the client, so their tools close it.
   * @defaultValue false
   */
  closeClient?: boolean | undefined;
  /** Aborts listing the tools. */
  signal?: AbortSignal | undefined;
};

/** What {@link createMcpTools} returns. */
export type McpTools = {
  /** One gemloop tool per MCP tool, in the server's order: put them in the agent's `tools`. */
  tools: McpTool[];
  /** Tools whose gemloop name is not `prefix + mcpName` (invalid characters, too long, clashes). */
  renamed: McpToolRename[];
  /** Tools left out by `onInvalidTool: 'skip'`. */
  skipped: McpSkippedTool[];
  /** gemloop name → MCP tool name. */
  mcpNames: ReadonlyMap<string, string>;
  /** The server, as errors and logs name it. */
  server: string;
};

/** @internal */
export type McpToolsInternals = {
  /** Shared by all tools of one connection; idempotent. */
  close?: (() => Promise<void>) | undefined;
  /** Hides header and environment values in error messages. */
  redact?: ((text: string) => string) | undefined;
  /**
   * How the connection asks the user to open a page a server requires before a call
   * (`URLElicitationRequiredError`); without it, such a refusal goes to the model as it is.
   */
  askUrl?: AskUrl | undefined;
  /** Whether the connection was closed, by `close()` or by the server going away. */
  isClosed?: (() => boolean) | undefined;
  /** The error that closed the connection when a cap of gemloop's did, worded for `server`. */
  closedBy?: ((server: string) => Error | undefined) | undefined;
  /** Time limit of each `tools/list` request (the connection's `connectTimeoutMs`). */
  listTimeoutMs?: number | undefined;
};

/**
 * Turns the tools of a connected MCP server into gemloop tools. Lists every tool (following
 * pagination), gives each a valid, unique Gemini function name, declares its input schema as
 * `parametersJsonSchema` (checked now: a broken schema fails here, naming the tool, not as a
 * `400` later), and validates the model's arguments against it before calling the server. A
 * description past 16,384 characters is cut (said in it and logged).
 *
 * Results: `structuredContent` is the `functionResponse.response` as it is; otherwise the text is
 * `{ output }`. Images (and PDFs, plain-text blobs) become `functionResponse.parts`. An
 * `isError` result, a crash or a closed connection throws an {@link McpToolCallError}, which the
 * agent reports to the model as an error response.
 *
 * @example
 * const client = new Client({ name: 'my-app', version: '1.0.0' });
 * await client.connect(new StdioClientTransport({ command: 'npx', args: ['-y', 'some-mcp-server'] }));
 * const { tools } = await createMcpTools(client, { prefix: 'files_' });
 * const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools });
 *
 * @throws {@link McpServerError} when listing fails or a tool is unusable (`onInvalidTool: 'throw'`).
 * @throws {@link @gemloop/core!InvalidArgumentError | InvalidArgumentError} for invalid options.
 */
export async function createMcpTools(
  client: McpClient,
  options: McpToolsOptions = {},
): Promise<McpTools> {
  // The connect functions check their own (larger) options and call createMcpToolsWith. Async,
  // so a bad option rejects the promise like every other failure here instead of throwing.
  // Each option read once (attack20): a `filter` or `mediaTypes` that changed after the check
  // threw a TypeError from inside.
  const checked = checkOptionsCopy(mcpToolsOptions, options);
  return createMcpToolsWith(client, checked, { askUrl: urlAskerOf(client) });
}

/** The options of {@link createMcpTools}, declared once. @internal */
export const mcpToolsOptions: DeclaredOptions<McpToolsOptions> = defineOptions<McpToolsOptions>({
  name: 'createMcpTools',
  example: "{ prefix: 'github_' }",
  checks: { ...mcpToolsChecks, closeClient: booleanOption() },
});

/**
 * {@link createMcpTools} with a connection's shared close and secret redaction.
 * @internal
 */
export async function createMcpToolsWith(
  client: McpClient,
  options: McpToolsOptions,
  internals: McpToolsInternals,
): Promise<McpTools> {
  checkClient(client);
  const {
    prefix = '',
    reservedNames,
    filter,
    mediaTypes = defaultMcpMediaTypes,
    onInvalidTool = 'throw',
    logger = silentLogger,
    closeClient = false,
    signal,
  } = options;
  const timeoutMs = toTimeoutMs(options.timeoutMs);
  const redact = internals.redact ?? ((text: string) => text);
  const serverName = options.serverName ?? client.getServerVersion?.()?.name;
  // The server's own name goes into every error and log line of its tools: made plain first.
  const server =
    typeof serverName !== 'string' ? 'server' : `server "${plainServerName(serverName, redact)}"`;
  const log = logger.child({ component: 'mcp', server });
  const close = internals.close ?? (closeClient ? createSharedClose(client, log) : undefined);
  const acceptedMediaTypes = new Set(mediaTypes.map((type) => type.toLowerCase()));

  let listed = await listMcpTools({
    client,
    server,
    signal,
    timeoutMs: internals.listTimeoutMs,
    redact,
  });
  if (filter !== undefined) listed = listed.filter((tool) => filter(tool));
  const caller: McpToolCaller = {
    client,
    server,
    log,
    ownLogger: options.logger !== undefined,
    resultSchema: await loadMcpToolResultSchema(),
    timeoutMs,
    mediaTypes: acceptedMediaTypes,
    redact,
    askUrl: internals.askUrl,
    isClosed: internals.isClosed,
    closedBy: internals.closedBy,
  };

  const skipped: McpSkippedTool[] = [];
  const usable: McpToolInfo[] = [];
  // A tool's name is the server's word, as its own name is: errors and logs show it plain.
  const shown = (mcpName: string): string => plainToolName(mcpName, redact);
  for (const info of listed) {
    const problem = findToolProblem(info, server, shown);
    if (problem === undefined) usable.push(info);
    else if (onInvalidTool === 'skip') skip(info, problem);
    else throw problem;
  }

  const { names, renamed } = toGeminiFunctionNames({
    mcpNames: usable.map((info) => info.name),
    prefix,
    reservedNames,
  });
  for (const rename of renamed) {
    log.warn(
      { mcpName: shown(rename.mcpName), name: rename.name, reasons: rename.reasons },
      'mcp tool renamed',
    );
  }

  const tools: McpTool[] = [];
  const mcpNames = new Map<string, string>();
  for (const [index, info] of usable.entries()) {
    const name = names[index] as string;
    const mcpName = info.name;
    const shownName = shown(mcpName);
    let tool: McpTool;
    try {
      const names = { mcpName, shownName, name };
      const execute = (args: Record<string, unknown>, context: ToolExecuteContext) =>
        callMcpTool(caller, names, args, context);
      // `$ref`s that double at every level kept defineTool inlining for hours (attack26): walked
      // once, here, where each problem is named (the arguments' validator below does not again).
      const refProblem = findRefProblem(info.inputSchema as Record<string, unknown>);
      if (refProblem !== undefined) throw new Error(refProblem);
      const declared = defineTool({
        name,
        description: boundDescription(
          info.description ?? info.title ?? info.annotations?.title,
          shownName,
        ),
        parameters: info.inputSchema,
        timeoutMs,
        logger: log,
        close,
        execute,
        // The server's patterns are declared to the model but never run here (below): nothing
        // for defineTool's pattern analysis to refuse.
        allowUnsafePatterns: true,
      });
      // The arguments are checked here without the server's regular expressions, which a model's
      // string could make backtrack for hours (see stripSchemaPatterns); the server checks them.
      // Made here, not by a second defineTool (which converted and checked the copy again).
      const parseArgs = createRefsCheckedArgsParser(
        stripSchemaPatterns(info.inputSchema as Record<string, unknown>) ??
          (info.inputSchema as Record<string, unknown>),
        name,
      ) as typeof declared.parseArgs;
      // Marked as an MCP tool for telemetry (`gen_ai.tool.type`); defineTool's result is frozen.
      tool = Object.freeze({ ...declared, parseArgs, toolType: 'mcp' });
    } catch (error) {
      // defineTool checks the schema as it checks every JSON Schema tool (a misspelt type, a bad
      // pattern, a $ref that leads nowhere): its InvalidArgumentError names the path, which
      // quotes the server's words: plain and bounded (a 1 MB key with escapes, attack43b).
      const problem = new McpServerError({
        reason: 'invalid-tool',
        server,
        toolName: shownName,
        message: `The MCP ${server} lists tool "${shownName}" with an input schema gemloop cannot use: ${plainErrorDetail(error instanceof Error ? error.message : String(error), redact)} Fix the server's schema, or pass onInvalidTool: 'skip' to leave the tool out.`,
        cause: redactError(error, (text) => redact(withoutControls(text))),
      });
      if (onInvalidTool === 'throw') throw problem;
      skip(info, problem);
      continue;
    }
    tools.push(tool);
    mcpNames.set(name, mcpName);
  }
  if (log.isLevelEnabled?.('debug') !== false) {
    log.debug(
      { tools: tools.length, skipped: skipped.length, renamed: renamed.length },
      'mcp tools listed',
    );
  }
  return { tools, renamed, skipped, mcpNames, server };

  /** `description` within {@link MAX_MCP_DESCRIPTION_LENGTH}, cut and said when longer. */
  function boundDescription(
    description: string | undefined,
    shownName: string,
  ): string | undefined {
    // Not a string: defineTool refuses it, naming the tool.
    if (typeof description !== 'string' || description.length <= MAX_MCP_DESCRIPTION_LENGTH)
      return description;
    const length = description.length;
    log.warn(
      { mcpName: shownName, length, limit: MAX_MCP_DESCRIPTION_LENGTH },
      'mcp tool description cut',
    );
    return `${cutText(description, MAX_MCP_DESCRIPTION_LENGTH)}… [cut by the MCP client: the server's description is ${length} characters, past ${MAX_MCP_DESCRIPTION_LENGTH}]`;
  }

  function skip(info: McpToolInfo, error: McpServerError): void {
    skipped.push({ mcpName: String(info.name), error });
    log.warn({ mcpName: shown(String(info.name)), err: error }, 'mcp tool skipped');
  }
}

function checkClient(client: McpClient): void {
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof client.listTools !== 'function' ||
    typeof client.callTool !== 'function'
  ) {
    throw new InvalidArgumentError({
      argument: 'client',
      message:
        'createMcpTools needs a connected MCP Client (from @modelcontextprotocol/sdk/client/index.js, after `await client.connect(transport)`), or use connectMcpStdio / connectMcpHttp.',
    });
  }
}

/** The checked `timeoutMs` option as a number, or `undefined` when the limit is lifted. */
function toTimeoutMs(option: number | false | undefined): number | undefined {
  if (option === undefined) return DEFAULT_MCP_TIMEOUT_MS;
  if (option === false || option === Number.POSITIVE_INFINITY) return undefined;
  return option;
}

/** A listed tool that cannot be declared, as an error naming the server and the tool. */
function findToolProblem(
  info: McpToolInfo,
  server: string,
  shown: (mcpName: string) => string,
): McpServerError | undefined {
  const rawName: unknown = (info as { name?: unknown } | null)?.name;
  if (typeof rawName !== 'string' || rawName === '') {
    return new McpServerError({
      reason: 'invalid-tool',
      server,
      message: `The MCP ${server} lists a tool without a name.`,
    });
  }
  const fail = (detail: string): McpServerError =>
    new McpServerError({
      reason: 'invalid-tool',
      server,
      toolName: shown(rawName),
      message: `The MCP ${server} lists tool "${shown(rawName)}" with an invalid input schema: ${detail}. Fix the server's schema, or pass onInvalidTool: 'skip' to leave the tool out.`,
    });
  const schema: unknown = info.inputSchema;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return fail('inputSchema must be a JSON Schema object');
  }
  // The schema itself is checked by defineTool, as every JSON Schema tool is.
  return undefined;
}

/** One close for all tools of a client: the first call closes, later calls wait for the same. */
function createSharedClose(client: McpClient, log: Logger): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= client.close().catch((error: unknown) => {
      // Closing is cleanup: a failure is worth a warning, not a failed agent shutdown.
      log.warn({ err: error }, 'closing the mcp client failed');
    });
    return closing;
  };
}
