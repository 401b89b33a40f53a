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
  | { type: 'truncated'; reason: string; at: number };
