// The browser protocol of `@gemloop/core/web` (docs/browser-protocol.md): what a page gets, one
// server-sent event per value. Types only, so that `@gemloop/client` imports them with
// `import type` and a page's bundle never pulls in core.
//
// Shaped after the AI SDK's UI message stream (vercel/ai, packages/ai/src/ui-message-stream:
// `start`, `text-delta`, `reasoning-delta`, `tool-input-available`, `tool-output-available`,
// `start-step`, `finish-step`, `error`, `finish`, each a JSON object with a `type`), in gemloop's
// words, with what gemloop adds: an id per event for resuming, approvals, usage per step and a
// subagent path.

import type { Cost } from '../models/cost.ts';
import type { SteeringDropReason } from '../run/steering-report.ts';

/** The protocol version the `start` event names; a client refuses a version it does not know. */
export type BrowserProtocolVersion = 1;

/** What every event carries. */
export type BrowserEventBase = {
  /**
   * Where in the run's tree the event comes from: `[]` for the run itself, else the subagent's
   * path (`['research', 'searcher#2']`, `subagent()` of `@gemloop/core/composition`). A page that
   * shows only the answer keeps the events whose path is empty.
   */
  path: string[];
};

/** Token counts of a step or a run, as the API reported them. */
export type BrowserUsage = {
  inputTokens: number;
  outputTokens: number;
  thoughtsTokens: number;
  cachedTokens: number;
  totalTokens: number;
};

/** An error a page may show: the class name, its `code` when gemloop's, and a message; no stack. */
export type BrowserError = { name: string; code?: string | undefined; message: string };

/** The first event of a run: its id (for resuming) and the protocol version. */
export type BrowserStartEvent = BrowserEventBase & {
  type: 'start';
  runId: string;
  protocol: BrowserProtocolVersion;
  /**
   * `true` when the run outlives a dropped connection (the server keeps a replay buffer and waits
   * for the page to resume): a page that means Stop then sends a cancel request (the same route
   * with `Gemloop-Run-Id` and `Gemloop-Cancel: 1`), which the server honours at once. Absent: a
   * closed connection stops the run by itself.
   */
  cancellable?: true | undefined;
};

/** A model call starts. */
export type BrowserStepStartEvent = BrowserEventBase & {
  type: 'step-start';
  stepNumber: number;
  kind: 'tools' | 'final-output' | 'resume';
};

/** New answer text. */
export type BrowserTextDeltaEvent = BrowserEventBase & {
  type: 'text-delta';
  stepNumber: number;
  text: string;
};

/**
 * The answer text already sent for `stepNumber` is replaced by `text` (empty when it was
 * withdrawn): an output guardrail blocked or rewrote it after it was streamed (a server that
 * sets `guardrails.holdBack` never sends it). A page replaces what it shows of that step.
 */
export type BrowserTextRetractionEvent = BrowserEventBase & {
  type: 'text-retraction';
  stepNumber: number;
  text: string;
};

/** New thought-summary text; sent only when the server asks for thoughts (`thoughts: true`). */
export type BrowserThoughtDeltaEvent = BrowserEventBase & {
  type: 'thought-delta';
  stepNumber: number;
  text: string;
};

/** The model called a tool. */
export type BrowserToolCallEvent = BrowserEventBase & {
  type: 'tool-call';
  stepNumber: number;
  /**
   * The call's id, unique at its `path` in a live run: the model's (`<id>#2`, `<id>#3`... when it
   * repeated one), or gemloop's when it gave none. Its `tool-result` and `approval-pending` carry it.
   */
  toolCallId: string;
  toolName: string;
  /**
   * The model's arguments, with the tool's `secretArguments` replaced by `[redacted]`; `undefined`
   * when the server could not tell which arguments are secret, or they are longer than 100,000
   * characters as JSON (then `argsOmitted` is true).
   */
  args: Record<string, unknown> | undefined;
  argsOmitted?: true | undefined;
};

/** A tool call ended: a preview of its result, or the error the model was given. */
export type BrowserToolResultEvent = BrowserEventBase & {
  type: 'tool-result';
  stepNumber: number;
  toolCallId: string;
  toolName: string;
  /** `success`, or why it did not run or failed (`denied`, `aborted`, `execution-error`, ...). */
  outcome: string;
  /** The result as JSON, cut to the server's `maxResultPreviewChars` (only when `success`). */
  preview?: string | undefined;
  /** Whether `preview` was cut. */
  truncated?: boolean | undefined;
  /**
   * What went wrong, as the model saw it (every outcome but `success`); for `execution-error` only
   * `The tool failed.`, since what a tool threw may quote anything.
   */
  error?: string | undefined;
};

/** A step ended. */
export type BrowserStepFinishEvent = BrowserEventBase & {
  type: 'step-finish';
  stepNumber: number;
  kind: 'tools' | 'final-output' | 'resume';
  /** The API's finish reason (`STOP`, `MAX_TOKENS`, ...), when it gave one. */
  finishReason: string | undefined;
  usage: BrowserUsage;
  /**
   * What the step's model call cost: exact decimal strings of US dollars, or `null` amounts with
   * `unknown` (why) when the model has no price (see `Cost` in `@gemloop/core/models`).
   */
  cost: Cost | null;
};

/** A tool call waits for a person: answer it by `approvalId` (see `createApprovalBroker`). */
export type BrowserApprovalPendingEvent = BrowserEventBase & {
  type: 'approval-pending';
  approvalId: string;
  stepNumber: number;
  toolCallId: string;
  toolName: string;
  /** The arguments, redacted as in `tool-call`. */
  args: Record<string, unknown> | undefined;
};

/** A pending approval was answered (from this page, another one, or the server). */
export type BrowserApprovalResolvedEvent = BrowserEventBase & {
  type: 'approval-resolved';
  approvalId: string;
  decision: 'approve' | 'deny';
};

/**
 * What a plugin reported (`run.emit(kind, data)`), sent only for the plugins the server lists in
 * `pluginEvents` (e.g. `mcp-requests`: an MCP server asks the user something, see
 * docs/serving-mcp.md). `data` is the plugin's JSON, left out (`dataOmitted`) past 16 KB.
 */
export type BrowserPluginEvent = BrowserEventBase & {
  type: 'plugin';
  plugin: string;
  kind: string;
  stepNumber: number;
  data?: unknown;
  dataOmitted?: true | undefined;
};

/** The run failed; `finish` follows. */
export type BrowserErrorEvent = BrowserEventBase & { type: 'error'; error: BrowserError };

/** The last event of a run. */
export type BrowserFinishEvent = BrowserEventBase & {
  type: 'finish';
  /** `completed`: the run ended with a result; `aborted`: it was stopped; `error`: it failed. */
  outcome: 'completed' | 'aborted' | 'error';
  /** The run's finish reason (`stop`, `max-steps`, ...) when it completed. */
  finishReason: string | undefined;
  /** The run's usage so far. */
  usage: BrowserUsage | undefined;
  /**
   * What the run cost so far (see `Cost`); `null` when the server does not know (a run that ended
   * without a result, a durable run's stream).
   */
  cost: Cost | null;
};

/** The run was handed to another agent (`handoff()`): the answer now comes from `to`. */
export type BrowserHandoffEvent = BrowserEventBase & {
  type: 'handoff';
  stepNumber: number;
  from: string;
  to: string;
};

/** A steering message (`@gemloop/core/steering`) was received, applied at a step, or dropped. */
export type BrowserSteerEvent = BrowserEventBase & {
  type: 'steer';
  status: 'received' | 'applied' | 'dropped';
  mode: 'steer' | 'queue';
  stepNumber: number;
  /** `dropped`: why the run did not send it. */
  reason?: SteeringDropReason | undefined;
};

/** Every event of protocol version 1. A client ignores types it does not know. */
export type BrowserEvent =
  | BrowserStartEvent
  | BrowserStepStartEvent
  | BrowserTextDeltaEvent
  | BrowserTextRetractionEvent
  | BrowserThoughtDeltaEvent
  | BrowserToolCallEvent
  | BrowserToolResultEvent
  | BrowserStepFinishEvent
  | BrowserHandoffEvent
  | BrowserSteerEvent
  | BrowserApprovalPendingEvent
  | BrowserApprovalResolvedEvent
  | BrowserPluginEvent
  | BrowserErrorEvent
  | BrowserFinishEvent;

/** The decision a page sends to answer a pending approval. */
export type BrowserApprovalAnswer = {
  approvalId: string;
  decision: 'approve' | 'deny';
  /** Why it was denied: the model sees it. */
  message?: string | undefined;
};
