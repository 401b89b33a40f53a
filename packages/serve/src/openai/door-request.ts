import type { Agent } from '@gemloop/core';
import type { RunOwner } from '@gemloop/core/web';
import type { DoorSpanInfo, DoorTelemetry } from '../door/door-telemetry.ts';

/** What the handler hands each API once the request is authorized, read and routed. @internal */
export type DoorRequest = {
  /** The JSON body, an object. */
  body: Record<string, unknown>;
  /** The agent the `model` field named, and that name. */
  agent: Agent;
  model: string;
  owner: RunOwner;
  /** Aborts when the caller goes away (the request's signal, or the stream cancelled). */
  abort: AbortController;
  signal: AbortSignal;
  onError: (error: unknown) => void;
  /** The clock, in ms. */
  now: () => number;
  /** A streamed answer's heartbeat interval in ms (`: ping` while quiet); 0 for none. */
  heartbeatMs: number;
  /** The door's spans, around each run it starts. */
  telemetry: DoorTelemetry;
};

/** The door span of a request's run: `openai chat.completions` or `openai responses`. @internal */
export function runSpan(
  door: DoorRequest,
  operation: 'chat.completions' | 'responses',
  streaming: boolean,
): DoorSpanInfo {
  return { door: 'openai', operation, agent: door.model, streaming, signal: door.signal };
}

/** OpenAI's `finish_reason` for a run's. @internal */
export function toFinishReason(reason: string): 'stop' | 'length' | 'content_filter' {
  if (reason === 'max-tokens') return 'length';
  if (reason === 'content-filter') return 'content_filter';
  return 'stop';
}

/** An id like OpenAI's: a prefix and 32 hex digits. @internal */
export function openAIId(prefix: string): string {
  return `${prefix}${crypto.randomUUID().replaceAll('-', '')}`;
}

/**
 * A run's usage as OpenAI counts it: input is the prompt and the tool-use prompt (Gemini counts
 * them apart), output the answer and the thoughts (OpenAI counts reasoning as output).
 * @internal
 */
export function countTokens(usage: {
  promptTokenCount: number;
  toolUsePromptTokenCount: number;
  candidatesTokenCount: number;
  thoughtsTokenCount: number;
}): { input: number; output: number } {
  return {
    input: usage.promptTokenCount + usage.toolUsePromptTokenCount,
    output: usage.candidatesTokenCount + usage.thoughtsTokenCount,
  };
}
