// The state a chat UI renders: the messages of a conversation, built from the browser protocol's
// events (docs/browser-protocol.md) by `reduceAgentChat`. Shaped after the AI SDK's `UIMessage`
// (vercel/ai, packages/ai/src/ui/ui-messages.ts: a role, an id, and what the assistant did), flat
// rather than in `parts`: text, thoughts, tool calls with their status, and approvals that wait.

import type { BrowserError, BrowserUsage } from '@gemloop/client';

/**
 * Where a tool call is: `pending` while it waits for a person's approval, `running` once it may run
 * (until its result), `done` when it succeeded, `error` when it did not run or failed (denied,
 * aborted, an error: `result.outcome` says which).
 */
export type ToolCallStatus = 'pending' | 'running' | 'done' | 'error';

/** A tool call of an assistant message and, once it ended, its result. */
export type ChatToolCall = {
  toolCallId: string;
  toolName: string;
  /** Where it came from: `[]` for the run itself (subagents, issue 30, add their names). */
  path: string[];
  stepNumber: number;
  /** The arguments, with the tool's secret ones `[redacted]` by the server; `undefined` when omitted. */
  args: Record<string, unknown> | undefined;
  status: ToolCallStatus;
  /** How it ended: `success`, or why not (`denied`, `aborted`, `execution-error`, ...). */
  outcome?: string | undefined;
  /** The result as JSON, cut to the server's preview size (on `success`). */
  preview?: string | undefined;
  /** Whether `preview` was cut. */
  truncated?: boolean | undefined;
  /** What went wrong, as the model saw it (every outcome but `success`). */
  error?: string | undefined;
};

/** A tool call that waits for a person: answer it with `approve(approvalId, decision)`. */
export type ChatApproval = {
  approvalId: string;
  toolCallId: string;
  toolName: string;
  path: string[];
  args: Record<string, unknown> | undefined;
  /** The decision this page sent, while the server has not confirmed it (disable the buttons). */
  answering?: 'approve' | 'deny' | undefined;
};

/**
 * What an MCP server asks the user in the middle of a tool call (a `plugin` event of
 * `mcp-requests`, kind `elicitation-pending`, see docs/serving-mcp.md): answer it with
 * `answerElicitation(id, { action, content })`. A `form` names its fields; a `url` request shows
 * only the page's host here (the page's full address comes from the broker's own stream).
 */
export type ChatElicitation = {
  id: string;
  path: string[];
  mode: 'form' | 'url';
  /** The server, as gemloop names it (`server "name"`). */
  server: string;
  /** What the server says to the user: show it as text. */
  message: string;
  /** The tool calls running when the server asked (usually the one that asks). */
  toolCalls: { toolCallId: string; toolName: string }[];
  /** `form`: the fields asked for. */
  fields?:
    | { name: string; type: string; title?: string | undefined; required: boolean }[]
    | undefined;
  /** `url`: the host of the page to open. */
  host?: string | undefined;
};

/**
 * A file the user sent with a message, as the page shows it: its type, name and size, and for an
 * image a preview while the page that picked it is open. The bytes are not held here: the
 * messages are what a page saves (`onResumePoint`), and a photo's base64 would be megabytes of it.
 */
export type ChatFile = {
  /** The MIME type (`image/png`). */
  mediaType: string;
  /** The file's name, when it had one. */
  filename?: string | undefined;
  /** Its size in bytes. */
  size: number;
  /**
   * An object URL (`blob:`) of an image, for an `<img src>`: made by `send`, revoked by the hook
   * once the message is gone (`setMessages`) or the chat unmounts. Not kept across a page reload:
   * `initialMessages` come back without it (a `blob:` URL of the page before names nothing).
   */
  previewUrl?: string | undefined;
};

/** A message the user sent. */
export type UserChatMessage = {
  id: string;
  role: 'user';
  text: string;
  /** The files sent with it (`send(text, { files })`), in order. */
  files?: ChatFile[] | undefined;
};

/** Everything one run showed: it grows while the run streams. */
export type AssistantChatMessage = {
  id: string;
  role: 'assistant';
  /** The server's run id (from `start`), once known. */
  runId?: string | undefined;
  /** The answer text so far (the run's own `text-delta` events). */
  text: string;
  /**
   * The answer text of each step, in step order (`text` is their join), kept while the message
   * streams so that a `text-retraction` replaces the text of its step and no other. A message
   * saved without them gets its text kept as step -1, before every step, on the next event.
   */
  stepTexts?: { stepNumber: number; text: string }[] | undefined;
  /**
   * The step of the run's last `handoff` (its own, not a subagent's): `text` is the answer of the
   * agent that took the run over, the steps after this one; `stepTexts` keeps every step, the
   * text the agent handing over wrote included. An `output` receiver's `text` is its JSON.
   */
  handedOverAt?: number | undefined;
  /** Thought summaries so far; only when the server sends them (`thoughts: true`). */
  thoughts: string;
  /** Every tool call in the order the model made them. */
  toolCalls: ChatToolCall[];
  /** The calls that wait for a person now. */
  approvals: ChatApproval[];
  /** What MCP servers ask the user now (set once one asked; the server lists `mcp-requests` in `pluginEvents`). */
  elicitations?: ChatElicitation[] | undefined;
  /** Token counts: each step's as it ends, then the run's from `finish`. */
  usage?: BrowserUsage | undefined;
  /**
   * How the run ended: `completed`, `aborted` (stopped here or on the server) or `error`;
   * `undefined` while it runs.
   */
  outcome?: 'completed' | 'aborted' | 'error' | undefined;
  /** The run's finish reason (`stop`, `max-steps`, ...) when it completed. */
  finishReason?: string | undefined;
  /** What went wrong, when the run failed or its stream broke. */
  error?: ChatError | undefined;
};

/** A message of the conversation. */
export type AgentChatMessage = UserChatMessage | AssistantChatMessage;

/**
 * An error a page may show: the server's `error` event (class name, `code`, message; never a stack),
 * or the `ClientError` (or other `Error`) the stream failed with, kept as is.
 */
export type ChatError = BrowserError | Error;

/**
 * Where the chat is: what to show and which buttons to enable. `awaiting-approval`: the run waits
 * for the page (an approval, or an MCP server's question in `elicitations`).
 */
export type AgentChatStatus = 'idle' | 'streaming' | 'awaiting-approval' | 'error';

/** The whole state of a chat. */
export type AgentChatState = {
  messages: AgentChatMessage[];
  status: AgentChatStatus;
  /** The last failure, until the next send. */
  error: ChatError | undefined;
  /** The assistant message a run is streaming into, while one is. */
  streamingId: string | undefined;
};
