import type { Cost } from '../models/cost.ts';
import type { AgentUsage, AgentUsageByAgent } from '../run/agent-result.ts';
import type { CompactionReport } from '../run/compaction-report.ts';
import type { SteeringDropReason } from '../run/steering-report.ts';

/** The format version of a recorded run's lines; the viewer refuses files it does not know. */
export const RECORDED_RUN_FORMAT = 1;

/**
 * An error as recorded: its class, gemloop code, status and message (redacted by gemloop), never
 * its data.
 * `name` is always a class name (or `'_OTHER'` for a thrown value that is not an error), never
 * text a caller chose: an abort's reason is in `reason`.
 */
export type RecordedError = {
  name: string;
  message: string;
  /**
   * A gemloop error's machine-readable kind (`tool-execution`, `model-call`, `plugin`), as its
   * `code` says; absent for any other thrown value and in files from before it was recorded.
   */
  code?: string | undefined;
  status?: number | undefined;
  /**
   * The run was aborted (an `AgentAbortedError`): why, from the abort signal's reason (a string
   * as it is, an error's message), at most 500 characters. Absent when the signal gave none.
   */
  reason?: string | undefined;
};

/**
 * How whole a run file's opaque fields (thought signatures, inline media `data`) are:
 * `'shortened'` cuts each longer than 2,048 characters to `"[N characters omitted]"`; `'full'`
 * keeps them whole up to the recorder's `maxOpaqueBytes` (past it:
 * `"[N characters omitted: past maxOpaqueBytes]"`).
 */
export type RecordedFidelity = 'shortened' | 'full';

/**
 * Matches the placeholder a recorder writes in place of an opaque value it shortened: the
 * value's length is group 1. A replay cannot send such a value back as the model gave it. It
 * also matches a `fidelity: 'full'` file's reference to media recorded earlier in the same file
 * (`"[N characters omitted: same as sha256:<hex>]"`, see {@link RECORDED_MEDIA_REFERENCE}): a
 * reader that does not resolve those (`createRecordedMediaResolver`) counts them as shortened,
 * and never sends the reference as bytes.
 */
export const OMITTED_OPAQUE_VALUE: RegExp =
  /^\[(\d+) characters omitted(?:: past maxOpaqueBytes|: same as sha256:[0-9a-f]{64})?\]$/;

/**
 * Matches a `fidelity: 'full'` run file's reference to inline media (`{ mimeType, data }`) whose
 * bytes an earlier line of the same file holds whole: group 1 is the data's length in characters,
 * group 2 the SHA-256 (hex) of its text. The recorder writes each distinct media value once per
 * file, so an image in the history of ten steps is one copy, not ten.
 */
export const RECORDED_MEDIA_REFERENCE: RegExp =
  /^\[(\d+) characters omitted: same as sha256:([0-9a-f]{64})\]$/;

/**
 * The longest run-start line a `fidelity: 'full'` recorder writes with its input whole (48 KiB,
 * under the 64 KiB the viewer reads of a file's first line to list it).
 */
export const MAX_FULL_RUN_START_BYTES: number = 48 * 1024;

/**
 * The longest tool name or call id a run file's line keeps (a tool call's lines, and a function
 * call or response in a request or response); longer is cut with a note of how many characters
 * were left out. A declared tool's name is at most 128 characters (check-tool-name.ts), so only
 * a call of a tool the run does not have is cut: the model names it, and a 2 MB name was written
 * five times after one call (toolname41). The live recorder cuts alike
 * (`MAX_RECORDED_LIVE_NAME_CHARS`). @internal
 */
export const MAX_RECORDED_NAME_CHARS = 128;

/**
 * A failed run's or live session's error message kept in its closing line when the line is cut
 * (past `maxRunBytes`, or a live session's bounds): enough to say why it failed. One bound for
 * both recorders, so a viewer reads the same length from either. @internal
 */
export const MAX_END_ERROR_CHARS: number = 4000;

/** The most hops whose usage a step-end line lists (a step may take up to 10,000). */
export const MAX_RECORDED_HOPS = 64;

/** How a step's answer was continued, as a step-end line records it (bounded). */
export type RecordedContinuation = {
  hops: number;
  reconnects: number;
  restarted: boolean;
  firstPromptTokenCount: number | undefined;
  /** `totalTokenCount` of the first {@link MAX_RECORDED_HOPS} hops. */
  hopTokens: (number | undefined)[];
};

/**
 * One line of a recorded run file (`.gemloop/runs/<when>-<runId>.jsonl`). `at` is the agent's
 * clock in ms since the epoch. Requests and responses are the wire JSON (large inline data and
 * thought signatures shortened unless the recorder's `fidelity` is `'full'`); API keys and headers are never recorded.
 */
export type RecordedRunLine =
  | {
      type: 'run-start';
      format: typeof RECORDED_RUN_FORMAT;
      runId: string;
      agentName: string | undefined;
      model: string;
      baseUrl: string;
      streaming: boolean;
      conversationId: string | undefined;
      /**
       * The run's place in its tree: `[]` (or absent, before issue 30) for a top run, the
       * subagent's path for a child run, whose own file this is.
       */
      path?: readonly string[] | undefined;
      /** For a child run: the `runId` of the run whose tool call started it, when recorded. */
      parentRunId?: string | undefined;
      /** For a child run: the step of the parent run whose tool call started it. */
      parentStepNumber?: number | undefined;
      /** For a child run: the id of the parent's tool call that started it. */
      parentToolCallId?: string | undefined;
      /** For a child run: that call's 0-based position in its model turn (ids may repeat). */
      parentCallIndex?: number | undefined;
      input: unknown;
      gemloopVersion: string;
      /**
       * How whole its opaque fields are (see {@link RecordedFidelity}); absent in files written
       * before it was recorded, which are `'shortened'`.
       */
      fidelity?: RecordedFidelity | undefined;
      /** With `fidelity: 'full'`: the longest opaque value kept whole, in bytes. */
      maxOpaqueBytes?: number | undefined;
      at: number;
    }
  | {
      type: 'model-call-start';
      stepNumber: number;
      streaming: boolean;
      request: unknown;
      at: number;
    }
  | {
      type: 'retry';
      stepNumber: number;
      attempt: number;
      delayMs: number;
      error: RecordedError;
      at: number;
    }
  | { type: 'first-chunk'; stepNumber: number; at: number }
  /** The run was handed to another agent after step `stepNumber` (`handoff()`). */
  | {
      type: 'handoff';
      stepNumber: number;
      from: string;
      to: string;
      /** How the history was filtered for `to` (see `HandoffInfo.filter`). */
      filter?: 'default' | 'custom' | undefined;
      /** How many contents the history had before the filter, and after. */
      contentsBefore?: number | undefined;
      contentsAfter?: number | undefined;
      at: number;
    }
  | {
      /** A long-decode answer's next request, a resumed stream, or a restart. */
      type: 'continuation';
      stepNumber: number;
      kind: 'continue' | 'resume' | 'restart';
      hop: number;
      /** The tokens billed in the step so far, over its hops. */
      totalTokenCount: number | undefined;
      at: number;
    }
  | {
      type: 'model-call-end';
      stepNumber: number;
      response?: unknown;
      /** What the call cost (exact decimal strings of US dollars; see `Cost`). */
      cost?: Cost | undefined;
      error?: RecordedError | undefined;
      at: number;
    }
  | {
      type: 'tool-call-start';
      stepNumber: number;
      toolName: string;
      toolCallId: string;
      toolType: string;
      args: unknown;
      at: number;
    }
  | {
      type: 'tool-call-end';
      stepNumber: number;
      toolName: string;
      toolCallId: string;
      outcome: string;
      /**
       * The arguments the tool ran with when `beforeToolCall` (an approval) modified the model's
       * (which are in `tool-call-start`), redacted as they are. Absent otherwise.
       */
      modifiedArgs?: unknown;
      output?: unknown;
      /**
       * For an `output` of `toolResult()`'s shape (`{ kind: 'tool-result', response, parts }`):
       * `true` when `toolResult()` made it (its parts were sent as media), `false` when it was the
       * tool's data (sent as JSON). Absent for any other output, and in files from before it was
       * recorded, where an output of that shape was sent as media.
       */
      toolResult?: boolean | undefined;
      error?: string | undefined;
      /** The call's grounding metadata, when it made a grounded call (a built-in's fallback). */
      grounding?: unknown;
      durationMs: number;
      at: number;
    }
  | {
      type: 'step-end';
      stepNumber: number;
      kind: string;
      text: string;
      thoughts: string;
      finishReason: string | undefined;
      usage: AgentUsage;
      /** What the step's model call cost. */
      cost: Cost;
      /** With what its calls' model calls used (subagents): see `AgentStep.usageWithChildren`. */
      usageWithChildren?: AgentUsage | undefined;
      costWithChildren?: Cost | undefined;
      /** `usageWithChildren` by agent (see `AgentStep.usageByAgent`). */
      usageByAgent?: AgentUsageByAgent[] | undefined;
      grounding: unknown;
      toolCalls: number;
      reask: string | undefined;
      /** When the answer took more than one request (see `RecordedContinuation`). */
      continuation?: RecordedContinuation | undefined;
      /** A stream that ended without a finish signal. */
      interrupted?: true | undefined;
      at: number;
    }
  | {
      type: 'run-end';
      outcome: 'success' | 'error';
      finishReason?: string | undefined;
      text?: string | undefined;
      usage?: AgentUsage | undefined;
      /** What the run cost, every model call summed (so far, on an error). */
      cost?: Cost | undefined;
      error?: RecordedError | undefined;
      at: number;
    }
  | {
      /** A guardrail check ended (`@gemloop/core/guardrails`): never the value it checked. */
      type: 'guardrail';
      stepNumber: number;
      name: string;
      phase: string;
      verdict: string;
      tripped: boolean;
      reason?: string | undefined;
      toolName?: string | undefined;
      toolCallId?: string | undefined;
      parallel?: true | undefined;
      startedAt: number;
      at: number;
    }
  | {
      /** A steering message (`@gemloop/core/steering`): received, applied at a step, or dropped. */
      type: 'steer';
      status: 'received' | 'applied' | 'dropped';
      mode: 'steer' | 'queue';
      /** `applied`: the step whose request carries it; otherwise the step under way. */
      stepNumber: number;
      /** Its text parts, joined, cut at {@link MAX_RECORDED_STEER_CHARS} (with `…`). */
      text: string;
      /** How many parts it had (an image or a file counts, its bytes are not recorded). */
      parts: number;
      /** `dropped`: why the run did not send it. */
      reason?: SteeringDropReason | undefined;
      at: number;
    }
  | {
      /** What a plugin reported (`run.emit(kind, data)`, `@gemloop/core/plugins`). */
      type: 'plugin';
      plugin: string;
      kind: string;
      stepNumber: number;
      /** Its data as JSON, cut at {@link MAX_RECORDED_PLUGIN_DATA_CHARS} (with `…`). */
      data?: string | undefined;
      at: number;
    }
  | ({
      /** The history was compacted before model step `stepNumber` (the `compaction` option). */
      type: 'compaction';
      at: number;
    } & CompactionReport)
  | { type: 'truncated'; reason: string; at: number };

/** The most characters of a steering message's text a recorded `steer` line keeps. */
export const MAX_RECORDED_STEER_CHARS = 2000;

/** A plugin's data is recorded as JSON up to this many characters (a plugin's data is unbounded). */
export const MAX_RECORDED_PLUGIN_DATA_CHARS = 4000;
