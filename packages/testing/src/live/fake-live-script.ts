/**
 * One thing the fake Live server does within a model turn, in order. The shapes follow
 * `LiveServerMessage` in `@google/genai` (src/types.ts: `serverContent`, `toolCall`,
 * `toolCallCancellation`, `goAway`, `usageMetadata`).
 */
export type FakeLiveStep =
  /** Model text: `serverContent.modelTurn.parts[{ text }]`. */
  | { readonly text: string }
  /** Model audio: `serverContent.modelTurn.parts[{ inlineData }]`, base64 PCM. */
  | { readonly audio: string; readonly mimeType?: string | undefined }
  /** `serverContent.inputTranscription` (what the user said). */
  | { readonly inputTranscript: string; readonly finished?: boolean | undefined }
  /** `serverContent.outputTranscription` (what the model said aloud). */
  | { readonly outputTranscript: string; readonly finished?: boolean | undefined }
  /**
   * A `toolCall` frame. A call to a function the setup declared `NON_BLOCKING` lets the turn go
   * on; any other call ends the turn, and the next turn plays when every such call is answered.
   * Ids default to `call-<n>`. `id: null` sends the call without one, as Vertex may
   * (`FunctionCall.id` is "Optional"): its answer must come without an id too, and answers the
   * oldest unanswered id-less call of its name (call order; Google documents no rule for this).
   */
  | {
      readonly toolCalls: readonly {
        readonly name: string;
        readonly args?: Record<string, unknown> | undefined;
        readonly id?: string | null | undefined;
      }[];
    }
  /** A `toolCallCancellation` frame for these call ids (they stop being pending). */
  | { readonly cancelToolCalls: readonly string[] }
  /**
   * A `goAway` frame; the fake then closes the socket (code 1001) when `timeLeftMs` has passed,
   * unless the client closed it first. Fires once: a turn replayed after a resume skips it.
   */
  | { readonly goAway: { readonly timeLeftMs: number } }
  /** The socket is cut with no close frame (a dropped connection). Fires once, as `goAway`. */
  | { readonly drop: true }
  /** A `usageMetadata` frame. */
  | { readonly usage: Record<string, unknown> }
  /**
   * The turn waits here for the client to speak (end a user turn); then the fake sends
   * `serverContent.interrupted` and plays the next turn for that input.
   */
  | { readonly awaitInterruption: true }
  /**
   * Any frame, sent as is (a string is sent verbatim as a text frame, bytes as a binary frame):
   * for hostile-server tests.
   */
  | { readonly frame: Record<string, unknown> | string | Uint8Array }
  /**
   * The server closes the socket with this code and reason (a reason is at most 123 bytes, RFC
   * 6455 §5.5): for hostile-server tests. Fires once, as `goAway`.
   */
  | { readonly close: { readonly code: number; readonly reason?: string | undefined } };

/**
 * A model turn: its steps, then `serverContent.turnComplete` (unless it ended on a blocking tool
 * call, which the model waits on).
 */
export type FakeLiveTurn = readonly FakeLiveStep[];

/** The options of `createFakeLive`. */
export type CreateFakeLiveOptions = {
  /**
   * The model's turns, played in order: one for each user turn the client ends (`clientContent`
   * with `turnComplete`, `realtimeInput.text`, `audioStreamEnd` or `activityEnd`), and one for
   * each answer to blocking tool calls or non-silent background result. A session past the end of
   * its script is closed with code 1011 and the error recorded in `errors`.
   */
  script: readonly FakeLiveTurn[];
  /**
   * The API key the client must send (`?key=` or `?access_token=`); any non-empty key when
   * omitted.
   */
  apiKey?: string | undefined;
  /**
   * Send `sessionResumptionUpdate` frames when the setup asks for them. `false` plays a server
   * whose handle never comes. @defaultValue true
   */
  resumptionUpdates?: boolean | undefined;
  /**
   * Refuse (close 1011) a resume while a socket of the same session is still open. Known only
   * from users' reports: "Gemini rejects a resume with 1011 while an earlier socket of the same
   * session is still open" (aicc2025/sip-to-ai PR #14, 2026-09-18); Google's docs say nothing.
   * @defaultValue true
   */
  refuseResumeWhileOpen?: boolean | undefined;
  /**
   * Cut every resumed connection right after its setup is answered (and its handle sent): a
   * server whose resumes never last. @defaultValue false
   */
  dropResumes?: boolean | undefined;
  /** Never answer the setup: a server that accepts the socket and hangs. @defaultValue false */
  hangOnSetup?: boolean | undefined;
  /** The fake's clock, for handle expiry. @defaultValue `Date.now` */
  now?: (() => number) | undefined;
};

/** What the fake saw on one WebSocket connection. */
export type FakeLiveConnection = {
  /** The `setup` message, as received (undefined until it came). */
  setup: Record<string, unknown> | undefined;
  /** Every client message after the setup, parsed, in order. */
  readonly messages: Record<string, unknown>[];
  /** The handle the setup resumed, if any. */
  resumedHandle: string | undefined;
  /** Whether the socket is still open. */
  open: boolean;
  /** The close code, once closed (1006 for a dropped socket). */
  closeCode: number | undefined;
  /** The session this connection belongs to (resumed connections share their session's id). */
  sessionId: number;
};
