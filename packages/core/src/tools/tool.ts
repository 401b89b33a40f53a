import type { Logger } from '../logging/logger.ts';
import type { Content, FunctionResponsePart } from '../wire/content.ts';
import type { FunctionDeclaration, Tool as WireTool } from '../wire/request.ts';

/** What a tool's `execute` gets besides its arguments. */
export type ToolExecuteContext = {
  /** Aborted when the run is aborted or the tool's time limit passes. */
  signal: AbortSignal;
  /** The call's `id` from the model, or one gemloop made when the model gave none. */
  toolCallId: string;
  /** The 1-based number of the model step that made the call. */
  step: number;
  /**
   * The call's 0-based position among the function calls of its model turn: with `step`, it
   * names the call even when the model gave two calls one id. Always set by the agent loop
   * (optional so that a context made by hand, in a test, need not).
   */
  callIndex?: number | undefined;
  logger: Logger;
  /** The history up to and including the model turn that made the call. */
  contents: readonly Content[];
  /**
   * The run a call of a tool that starts child runs (a subagent) belongs to, set by the agent
   * loop, not enumerable (a logged or spread context shows none of it). Opaque outside gemloop.
   * @internal
   */
  readonly gemloopRunLink?: unknown;
  /**
   * In a run with a recorder (a durable runner's), what the call's plugins report through its
   * `wrapToolCall` run while the tool runs, for the runner's step to keep with its outcome; set by
   * the agent loop, not enumerable. Opaque outside gemloop.
   * @internal
   */
  readonly gemloopStepReports?: unknown;
};

/** One problem with tool arguments, in a form the model can act on. */
export type ToolArgumentIssue = {
  /** JSON path of the argument, e.g. `['items', 0, 'qty']`. */
  path: (string | number)[];
  message: string;
};

/** The result of checking tool arguments. */
export type ToolArgumentsResult<Args> =
  | { success: true; value: Args }
  | { success: false; issues: ToolArgumentIssue[] };

/**
 * A function tool: a declaration sent to the model and the code that runs when it is called.
 * Made by `defineTool`; other factories (MCP, `@gemloop/tools`) make them the same way.
 */
export interface FunctionTool<Args = unknown, Result = unknown> {
  readonly kind: 'function';
  readonly name: string;
  readonly description: string | undefined;
  /** The declaration sent in `tools[].functionDeclarations[]`. */
  readonly declaration: FunctionDeclaration;
  /** Time limit of one call, overriding the agent's. */
  readonly timeoutMs?: number | undefined;
  /**
   * Paths of arguments that hold secrets (`password`, `auth.token`, `accounts.*.pin`: dot-separated
   * keys, `*` for every key or array item). `execute` gets their real values and the model's turn
   * stays in the history as it came; what is observed outside the run (run recorder files, spans,
   * tool errors and their logs) shows `'[redacted]'` instead.
   */
  readonly secretArguments?: readonly string[] | undefined;
  /**
   * In a live session (`@gemloop/core/live`): `NON_BLOCKING` runs the tool in the background
   * while the conversation goes on (Google's `FunctionDeclaration.behavior`). Never sent on
   * `generateContent`, where the API does not take it. Undefined is `BLOCKING`.
   */
  readonly behavior?: 'BLOCKING' | 'NON_BLOCKING' | undefined;
  /**
   * In a live session, how a `NON_BLOCKING` call's result reaches the conversation (Google's
   * `FunctionResponse.scheduling`): `SILENT`, `WHEN_IDLE` (the API's default) or `INTERRUPT`.
   */
  readonly scheduling?: 'SILENT' | 'WHEN_IDLE' | 'INTERRUPT' | undefined;
  /** Checks and converts the model's `args` (already parsed JSON) into typed arguments. */
  parseArgs(args: unknown): ToolArgumentsResult<Args>;
  execute(args: Args, context: ToolExecuteContext): Promise<Result> | Result;
  /** Called when the agent that owns the tool is closed (MCP connections, file handles). */
  close?: (() => Promise<void>) | undefined;
  /**
   * A plugin the tool needs for its effect on the run (an `AgentPlugin` of
   * `@gemloop/core/plugins`, typed structurally here, below the agent): an agent that has the
   * tool adds it after its own `plugins`, once however many of its tools carry it. A handoff
   * tool's plugin hands the run off after its call (`handoff()` of `@gemloop/core/composition`).
   */
  readonly plugin?: { readonly name: string } | undefined;
  /**
   * What kind of tool this is, for telemetry (the `execute_tool` span's `gen_ai.tool.type`, per
   * the OpenTelemetry GenAI conventions): `'mcp'` for an MCP server's tool (`@gemloop/tools`),
   * `'built-in'` for a Gemini built-in run as a function; undefined is `'function'`.
   */
  readonly toolType?: 'function' | 'built-in' | 'mcp' | (string & {}) | undefined;
}

/** A Gemini built-in (server-side) tool: Google Search, URL context, code execution, Maps, ... */
export type BuiltinTool = {
  readonly kind: 'builtin';
  /** The key of the wire tool, e.g. `googleSearch`. */
  readonly type:
    | 'googleSearch'
    | 'urlContext'
    | 'codeExecution'
    | 'googleMaps'
    | 'fileSearch'
    | 'mcpServers'
    | 'computerUse'
    | 'enterpriseWebSearch'
    | 'exaAiSearch'
    | 'parallelAiSearch'
    | 'retrieval';
  /** The wire tool entry sent in `tools[]`. */
  readonly tool: WireTool;
  /**
   * Function tools that answer calls this built-in makes the model send to the client (computer
   * use's actions). The agent runs them, but never declares them: the API does.
   */
  // biome-ignore lint/suspicious/noExplicitAny: handlers of any argument type.
  readonly handlers?: readonly FunctionTool<any, any>[] | undefined;
};

/** Anything that can sit in an agent's `tools` list. */
// biome-ignore lint/suspicious/noExplicitAny: a list of tools holds tools of any argument type.
export type AnyTool = FunctionTool<any, any> | BuiltinTool;

/**
 * A tool result with more than a JSON value: media parts (images, PDFs) sent as
 * `functionResponse.parts` on models that accept them. Make one with `toolResult()`.
 */
export type ToolResultWithParts = {
  readonly kind: 'tool-result';
  /** The `functionResponse.response` object. */
  readonly response: Record<string, unknown>;
  readonly parts: FunctionResponsePart[];
};
