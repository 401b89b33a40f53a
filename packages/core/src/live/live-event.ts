import type { GuardrailCheckRecord } from '../run/guardrail-check-record.ts';
import type { UsageMetadata } from '../wire/response.ts';
import type { LiveCost } from './live-cost.ts';

/** How a tool call lets the conversation go on: Google's `FunctionDeclaration.behavior`. */
export type LiveToolBehavior = 'BLOCKING' | 'NON_BLOCKING';

/**
 * When a background (`NON_BLOCKING`) tool's result reaches the conversation: Google's
 * `FunctionResponse.scheduling`. `SILENT` only adds it to the context, `WHEN_IDLE` (the API's
 * default) prompts the model once it is idle, `INTERRUPT` stops what it is saying to answer.
 */
export type LiveToolScheduling = 'SILENT' | 'WHEN_IDLE' | 'INTERRUPT';

/**
 * What a live session yields. The names an agent's stream also has (`text-delta`,
 * `thought-delta`, `tool-call`, `tool-result`, `tool-error`) mean the same here; the rest are
 * Live's own.
 */
export type LiveEvent =
  /** Model text (never thought text). */
  | { type: 'text-delta'; text: string }
  /** Thought-summary text. */
  | { type: 'thought-delta'; text: string }
  /** A chunk of the model's audio: base64, e.g. `audio/pcm;rate=24000` (16-bit little-endian PCM). */
  | { type: 'audio'; data: string; mimeType: string }
  /** What the user said (`inputAudioTranscription`). */
  | { type: 'input-transcript'; text: string; finished: boolean }
  /** What the model said aloud (`outputAudioTranscription`). */
  | { type: 'output-transcript'; text: string; finished: boolean }
  /** The model called a function. */
  | {
      type: 'tool-call';
      toolCallId: string;
      toolName: string;
      args: Record<string, unknown>;
      behavior: LiveToolBehavior;
      /**
       * Present when the server sent the call without an id (Vertex): `toolCallId` is a local key
       * (`live-call-<n>`), never sent; the answer goes without an id. A store of background calls
       * keeps it (`LivePendingCall.idless`).
       */
      idless?: true | undefined;
    }
  /** A call finished; its result was sent (with `scheduling` for a background call). */
  | {
      type: 'tool-result';
      toolCallId: string;
      toolName: string;
      output: unknown;
      scheduling: LiveToolScheduling | undefined;
      /**
       * The arguments the tool ran with when the agent's approval hook answered `modify` (the
       * `tool-call` event, made before the decision, has the model's).
       */
      modifiedArgs?: Record<string, unknown> | undefined;
    }
  /**
   * A call failed, was denied, named no tool of the agent, or had arguments its schema refused;
   * its error was sent to the model. `guardrail-tripped`: a tool guardrail's `throw` (or a
   * plugin's `run.trip`) stopped it, as in a run; the session then ends with the
   * `GuardrailTrippedError`. `cancelled`: the server cancelled it (`toolCallCancellation`), its
   * signal was aborted and nothing was sent.
   */
  | {
      type: 'tool-error';
      toolCallId: string;
      toolName: string;
      outcome:
        | 'error'
        | 'denied'
        | 'guardrail-tripped'
        | 'unknown-tool'
        | 'invalid-args'
        | 'cancelled';
      message: string;
      /**
       * The arguments the tool ran with when the agent's approval hook answered `modify` (the
       * `tool-call` event, made before the decision, has the model's).
       */
      modifiedArgs?: Record<string, unknown> | undefined;
    }
  /** The user's input interrupted the model: stop playing its audio and drop what is queued. */
  | { type: 'interrupted' }
  /**
   * What one of the agent's plugins reported (`run.emit(kind, data)` in a tool-call hook): the
   * agent stream's `plugin` event, without a step (a live session has none).
   */
  | { type: 'plugin'; plugin: string; kind: string; data?: unknown }
  /**
   * A plugin ended the session (`run.finish(reason)`) once the calls it saw were answered; the
   * events end after this one.
   */
  | { type: 'finish'; stoppedBy: { plugin: string; reason: string } }
  /**
   * One check of the agent's guardrails, as the agent stream's `guardrail` event (without a path):
   * a tool guardrail on a live call, or an input guardrail on a `sendText`. An input check that
   * `tripped` stopped that text (it was not sent; the session goes on); a tool check that tripped
   * ends the session once the call is answered. Holds the reason, never the value checked.
   */
  | ({ type: 'guardrail' } & GuardrailCheckRecord)
  /** The model finished its turn (`turnComplete`). */
  | { type: 'turn-end'; reason: string | undefined }
  /**
   * A `usageMetadata` report, as the server sent it, and what it cost at the Live model's prices
   * (audio in and out apart; see `liveCostOf`). Google bills every report: a session's cost is
   * the sum of its reports' `cost`.
   */
  | { type: 'usage'; usage: UsageMetadata; cost: LiveCost }
  /**
   * The session moved to a new connection with its last resumption handle: after `goAway` or a
   * dropped socket. `discardedTurn`: a model turn was cut mid-way and the server will answer it
   * again from the resumed state (a UI drops what it showed of it).
   */
  | {
      type: 'reconnect';
      reason: 'go-away' | 'dropped';
      attempt: number;
      discardedTurn: boolean;
    };
