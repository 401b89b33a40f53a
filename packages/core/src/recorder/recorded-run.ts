import type { AgentUsage } from '../run/agent-result.ts';

/** The format version of a recorded run's lines; the viewer refuses files it does not know. */
export const RECORDED_RUN_FORMAT = 1;

/**
 * An error as recorded: its class, status and message (redacted by gemloop), never its data.
 * `name` is always a class name (or `'_OTHER'` for a thrown value that is not an error), never
 * text a caller chose: an abort's reason is in `reason`.
 */
export type RecordedError = {
  name: string;
  message: string;
  status?: number | undefined;
  /**
   * The run was aborted (an `AgentAbortedError`): why, from the abort signal's reason (a string
   * as it is, an error's message), at most 500 characters. Absent when the signal gave none.
   */
  reason?: string | undefined;
};

/**
 * One line of a recorded run file (`.gemloop/runs/<when>-<runId>.jsonl`). `at` is the agent's
 * clock in ms since the epoch. Requests and responses are the wire JSON (large inline data and
 * thought signatures shortened); API keys and headers are never recorded.
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
      input: unknown;
      gemloopVersion: string;
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
  | { type: 'handoff'; stepNumber: number; from: string; to: string; at: number }
  | {
      type: 'model-call-end';
      stepNumber: number;
      response?: unknown;
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
      output?: unknown;
      error?: string | undefined;
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
      grounding: unknown;
      toolCalls: number;
      reask: string | undefined;
      at: number;
    }
  | {
      type: 'run-end';
      outcome: 'success' | 'error';
      finishReason?: string | undefined;
      text?: string | undefined;
      usage?: AgentUsage | undefined;
      error?: RecordedError | undefined;
      at: number;
    }
  | { type: 'truncated'; reason: string; at: number };
