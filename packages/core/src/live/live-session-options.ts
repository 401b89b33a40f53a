import {
  arrayOption,
  booleanOption,
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  functionOption,
  integerOption,
  objectOption,
  oneOfOption,
  optionCheck,
  stringOption,
} from '../options/define-options.ts';
import { MAX_TIMER_MS } from '../shared/max-timer-ms.ts';
import { isAbortSignal } from '../shared/on-abort.ts';
import type { Content } from '../wire/content.ts';
import type { LivePrice } from './live-cost.ts';
import type { LiveEvent, LiveToolBehavior, LiveToolScheduling } from './live-event.ts';
import { pendingCallsOption, pricesOption } from './session/live-option-copies.ts';
import { MAX_IDLESS_KEY_START } from './session/next-idless-key.ts';

/** A background call the server made to an earlier process of a session: see `pendingCalls`. */
export type LivePendingCall = {
  /** The call's id; for an `idless` call, the local key the earlier process gave it. */
  readonly id: string;
  readonly name: string;
  readonly args: Record<string, unknown>;
  /**
   * The server sent the call without an id (Vertex): `id` is the earlier process's local key
   * (its `tool-call` event said `idless: true`), and the answer goes without an id, as the call
   * came. Absent (a record stored before this field): the server's own id.
   */
  readonly idless?: boolean | undefined;
};

/** The options of {@link createLiveSession}. */
export type LiveSessionOptions = {
  /**
   * The Live model, e.g. `gemini-3.1-flash-live-preview`: Live models are not the
   * generateContent models, so this usually differs from the agent's. @defaultValue the agent's
   */
  model?: string | undefined;
  /** What the model answers with (`responseModalities`). @defaultValue 'text' */
  modality?: 'text' | 'audio' | undefined;
  /** With `modality: 'audio'`, ask for input and output transcripts. @defaultValue true */
  transcripts?: boolean | undefined;
  /** `generationConfig.speechConfig` (the voice), sent as is. */
  speechConfig?: Record<string, unknown> | undefined;
  /** `realtimeInputConfig` (activity detection, turn coverage), sent as is. */
  realtimeInputConfig?: Record<string, unknown> | undefined;
  /**
   * The model's context window, for compression's trigger. @defaultValue gemloop's table, else
   * 131072 (Google's Live models)
   */
  contextWindowTokens?: number | undefined;
  /**
   * Context window compression: on by default, triggered at 80 % of the window; `false` turns it
   * off (sessions then end at the server's limit: 15 minutes of audio).
   */
  contextWindowCompression?:
    | false
    | { triggerTokens: number; targetTokens?: number | undefined }
    | undefined;
  /** Per-tool `behavior` overrides, by tool name (else the tool's own, else `BLOCKING`). */
  toolBehavior?: Readonly<Record<string, LiveToolBehavior>> | undefined;
  /**
   * How background tools' results are delivered when the tool does not say (its `scheduling`).
   * @defaultValue 'WHEN_IDLE' (the API's default)
   */
  toolScheduling?: LiveToolScheduling | undefined;
  /**
   * A conversation to start from (a chat's `contents`): sent once, before any input, as the
   * session's initial history (`historyConfig.initialHistoryInClientContent`), which triggers no
   * answer. Text parts only: thoughts, function calls and responses, and media are left out.
   * Not sent again on a resume (the server has it).
   */
  history?: readonly Content[] | undefined;
  /** Resume an earlier session from its last handle (`session.handle`). */
  resumeHandle?: string | undefined;
  /**
   * Background calls an earlier process of this session received and whose responses the
   * resumed handle does not hold (it crashed while they ran): with `resumeHandle`, they are run
   * as background calls at once and answered once, as if the server had just made them (a
   * `tool-call` event each). `@gemloop/dbos`'s durable live sessions fill it from Postgres.
   */
  pendingCalls?: readonly LivePendingCall[] | undefined;
  /**
   * Where the local keys of id-less calls (`live-call-<n>`) start, 0 when not given: with
   * `resumeHandle`, one past the highest `n` earlier processes of the session gave out, so that a
   * new call's key is none a store's records (or a durable workflow keyed by it) already use.
   * Keys `pendingCalls` hold are skipped in any case. At most 10^15 (what `nextIdlessKey` gives
   * at most): counting on from near 2^53 repeats keys.
   */
  idlessKeyStart?: number | undefined;
  /**
   * Sees every event as the session makes it, before it is queued for the reader (a tap for
   * stores, telemetry and recorders; keep it fast, it runs on the socket's callbacks; a throw,
   * or an async tap's rejection, is logged as a warning and the session goes on; a returned
   * promise is not awaited).
   */
  onEvent?: ((event: LiveEvent) => void) | undefined;
  /**
   * The server sent a new resumable handle (`sessionResumptionUpdate`): store it to resume the
   * session later (`resumeHandle`). `heldCallIds`: the background calls whose responses the
   * session state behind this handle holds (sent before the turn the handle follows ended); a
   * response sent since would be sent again by a session resumed from this handle. A throw (or a
   * rejection) is logged, as `onEvent`'s.
   */
  onHandle?: ((update: { handle: string; heldCallIds: readonly string[] }) => void) | undefined;
  /**
   * Open the new connection before closing the old one on `goAway`. Off by default: users report
   * that "Gemini rejects a resume with 1011 while an earlier socket of the same session is still
   * open" (aicc2025/sip-to-ai PR #14); when on and the server refuses, the old socket is closed
   * and the resume tried again. @defaultValue false
   */
  overlapReconnect?: boolean | undefined;
  /**
   * How long a connection may take to answer the setup (`setupComplete`) before it counts as
   * failed: a hang guard. @defaultValue 30000
   */
  connectTimeoutMs?: number | undefined;
  /**
   * Resumes in a row that may fail before the session fails. A resumed connection that ends
   * within 30 s of its setup with nothing from the model counts as failed. `0`: the session never
   * resumes (a `goAway`'s connection serves until the server closes it, which ends the session
   * with `reconnect-failed`). @defaultValue 5
   */
  maxReconnectAttempts?: number | undefined;
  /**
   * The largest server frame accepted, in bytes: a larger one ends the session with
   * `frame-too-large`. On Node the socket itself reads at most twice this (at least 1 MiB over)
   * of one message: past that, the frame is refused at its header, unread (a close 1009), and
   * the session ends with `frame-too-large` too, `closeCode` 1009, its message naming that bound.
   * @defaultValue 16777216 (16 MiB)
   */
  maxFrameBytes?: number | undefined;
  /**
   * The most bytes of events waiting for the reader (their text, audio, call arguments, results,
   * usage reports and plugin data: text at two bytes a character), of messages waiting for a socket during a
   * reconnection or behind an input guardrail's check of a text, and of messages kept to send
   * again on a resume (the oldest audio and video are
   * let go of; text, tool answers and signals never are). @defaultValue 33554432 (32 MiB)
   */
  maxBufferedBytes?: number | undefined;
  /**
   * Live prices by model id, replacing gemloop's table (`LIVE_PRICES`) for the `usage` events'
   * `cost`: each `{ input, audioInput, output, audioOutput }` in US dollars per 1M tokens,
   * checked when the session opens (an `InvalidArgumentError` names a bad rate).
   * @defaultValue `LIVE_PRICES`
   */
  prices?: Readonly<Record<string, LivePrice>> | undefined;
  /** Closes the session when aborted. */
  signal?: AbortSignal | undefined;
};

/**
 * The defaults of {@link LiveSessionOptions}, declared once and applied with `withDefaults` where
 * the session (or a token's setup) reads them (a test holds the type's `@defaultValue`s to them).
 * @internal
 */
export const LIVE_SESSION_DEFAULTS: {
  readonly modality: 'text' | 'audio';
  readonly transcripts: boolean;
  readonly toolScheduling: LiveToolScheduling;
  readonly overlapReconnect: boolean;
  readonly connectTimeoutMs: number;
  readonly maxReconnectAttempts: number;
  readonly maxFrameBytes: number;
  readonly maxBufferedBytes: number;
} = {
  modality: 'text',
  transcripts: true,
  // The API's default, written out so a background tool's result says when it is delivered.
  toolScheduling: 'WHEN_IDLE',
  overlapReconnect: false,
  connectTimeoutMs: 30_000,
  maxReconnectAttempts: 5,
  maxFrameBytes: 16 * 1024 * 1024,
  maxBufferedBytes: 32 * 1024 * 1024,
};

/** A live session's options with {@link LIVE_SESSION_DEFAULTS} applied. @internal */
export type ResolvedLiveSessionOptions = LiveSessionOptions & typeof LIVE_SESSION_DEFAULTS;

const isTokenCount = (value: unknown): boolean =>
  Number.isSafeInteger(value) && (value as number) > 0;

/**
 * The check of {@link LiveSessionOptions}, made before any connection (attack14: none were checked;
 * a misspelt `maxFrameByte` left the default without a word, a bound of NaN or text turned the
 * frame and buffer bounds off, `connectTimeoutMs: NaN` became Node's 1 ms timer). @internal
 */
export const liveSessionOptions: DeclaredOptions<LiveSessionOptions> =
  defineOptions<LiveSessionOptions>({
    name: 'createLiveSession',
    example: "{ model: 'gemini-3.1-flash-live-preview', modality: 'audio' }",
    checks: {
      model: stringOption({ nonEmpty: true }),
      modality: oneOfOption(['text', 'audio']),
      transcripts: booleanOption(),
      speechConfig: objectOption(
        (path, value) => `${path} must be a speechConfig object; got ${describeValue(value)}.`,
      ),
      realtimeInputConfig: objectOption(
        (path, value) =>
          `${path} must be a realtimeInputConfig object; got ${describeValue(value)}.`,
      ),
      contextWindowTokens: integerOption({ min: 1 }),
      contextWindowCompression: optionCheck(
        (value) =>
          value === false ||
          (typeof value === 'object' &&
            value !== null &&
            isTokenCount((value as { triggerTokens?: unknown }).triggerTokens) &&
            ((value as { targetTokens?: unknown }).targetTokens === undefined ||
              isTokenCount((value as { targetTokens?: unknown }).targetTokens))),
        (path, value) =>
          `${path} must be false or { triggerTokens, targetTokens? } with whole numbers of tokens above 0; got ${describeValue(value)}.`,
      ),
      // Checked by the setup, by tool name (live-setup.ts).
      toolBehavior: checkedWhereUsed,
      toolScheduling: oneOfOption(['SILENT', 'WHEN_IDLE', 'INTERRUPT']),
      history: arrayOption({
        message: (path, value) =>
          `${path} must be an array of contents (a chat's contents); got ${describeValue(value)}.`,
      }),
      resumeHandle: stringOption({ nonEmpty: true }),
      pendingCalls: pendingCallsOption,
      idlessKeyStart: integerOption({ min: 0, max: MAX_IDLESS_KEY_START }),
      onEvent: functionOption(),
      onHandle: functionOption(),
      overlapReconnect: booleanOption(),
      connectTimeoutMs: integerOption({ min: 1, max: MAX_TIMER_MS }),
      maxReconnectAttempts: integerOption({ min: 0 }),
      maxFrameBytes: integerOption({ min: 1 }),
      maxBufferedBytes: integerOption({ min: 1 }),
      prices: pricesOption,
      signal: optionCheck(
        isAbortSignal,
        (path, value) => `${path} must be an AbortSignal; got ${describeValue(value)}.`,
      ),
    },
  });
