import { loadWebSocket } from '#platform/live-web-socket';
import type { AgentOptions } from '../agent/config/agent-options.ts';
import {
  DEFAULT_TOOL_CONCURRENCY,
  DEFAULT_TOOL_TIMEOUT_MS,
} from '../agent/config/options/tool-runs.ts';
import type { Agent } from '../agent/create-agent.ts';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import type { RunPlugins } from '../agent/plugins/run-plugins.ts';
import type {
  EngineGuardrails,
  GuardrailEngine,
  GuardrailRunOptions,
} from '../agent/run-state/run-context.ts';
import { emptyUsage } from '../agent/usage.ts';
import { GemloopError } from '../errors/gemloop-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { silentLogger } from '../logging/logger.ts';
import { zeroCost } from '../models/cost.ts';
import type { AsyncDispose } from '../shared/async-dispose.ts';
import { bytesToBase64 } from '../shared/bytes-to-base64.ts';
import { describeThrown } from '../shared/describe-thrown.ts';
import { MAX_TIMER_MS } from '../shared/max-timer-ms.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import { hasRegisteredOtel, loadOtelApi } from '../telemetry/create-telemetry-observer.ts';
import { toFunctionResponse } from '../tools/responses/to-function-response.ts';
import { toolErrorResponse } from '../tools/responses/tool-error-response.ts';
import type { FunctionTool } from '../tools/tool.ts';
import type { FunctionResponse } from '../wire/content.ts';
import type { UsageMetadata } from '../wire/response.ts';
import { CallSlots } from './call-slots.ts';
import { liveAgentOf } from './live-agent.ts';
import { liveCostOf } from './live-cost.ts';
import type { LiveEvent, LiveToolScheduling } from './live-event.ts';
import { LiveEventQueue } from './live-event-queue.ts';
import { startLivePlugins } from './live-plugins.ts';
import { LiveSessionError } from './live-session-error.ts';
import type { LivePendingCall, LiveSessionOptions } from './live-session-options.ts';
import { behaviorOf, liveHistoryTurns, liveSetupFor } from './live-setup.ts';

import type { LiveTelemetry } from './live-telemetry.ts';
import { type LiveCallOutcome, runLiveToolCall } from './live-tool-call.ts';
import { liveUrl, redactLiveUrl } from './live-url.ts';

/**
 * A live session of an agent: iterate it for {@link LiveEvent}s (one reader), send text and
 * audio, close it. It survives the server's connection limit: on `goAway` or a dropped socket it
 * resumes on a new connection with its last resumption handle.
 */
export type LiveSession = AsyncIterable<LiveEvent> & {
  /** The last resumable handle the server sent: pass it as `resumeHandle` to resume later. */
  readonly handle: string | undefined;
  /** Sends user text (`realtimeInput.text`), which ends the user's turn. */
  sendText(text: string): void;
  /**
   * Sends a chunk of microphone audio (`realtimeInput.audio`): raw 16-bit little-endian PCM
   * bytes or base64. @param mimeType @defaultValue 'audio/pcm;rate=16000'
   */
  sendAudio(chunk: Uint8Array | string, mimeType?: string): void;
  /** The microphone stopped (`realtimeInput.audioStreamEnd`): the server ends the user's turn. */
  endAudio(): void;
  /** Aborts running tools, closes the socket and ends the events. Idempotent. */
  close(): Promise<void>;
  /** Resolves when the session ended by `close()`; rejects with a {@link LiveSessionError}. */
  readonly closed: Promise<void>;
  /** `close()`, for `await using session = await createLiveSession(...)`. */
  [Symbol.asyncDispose]: AsyncDispose;
};

/**
 * A message kept for a resume. `callIds`: the background calls a `toolResponse` answers (held
 * once a handle follows it). `issued`: for a `toolResponse`, the session's handle count when its
 * calls came: a handle that came after holds them; one from before does not know them.
 */
type Held = {
  text: string;
  history: boolean;
  callIds?: readonly string[] | undefined;
  issued?: number | undefined;
};
type Sent = Held & { index: number };
type Connection = {
  socket: WebSocket;
  /** Messages sent after the setup and not yet confirmed consumed, by per-connection index. */
  sent: Sent[];
  /** The characters held in `sent`. */
  sentBytes: number;
  nextIndex: number;
  ready: boolean;
  closedByUs: boolean;
  /** Messages before this index were sent before the last turnComplete: the server has them. */
  takenBefore: number;
  /** Resolves when the socket has closed (its close event). */
  gone: Promise<void>;
  markGone: () => void;
  /**
   * Frames that came between setupComplete and the session adopting the connection (a
   * resumption update follows setupComplete at once); `undefined` once adopted.
   */
  early: Record<string, unknown>[] | undefined;
};
type RunningCall = {
  controller: AbortController;
  toolName: string;
  cancelled: boolean;
  connection: Connection;
  /** The session's handle count when the call came (see {@link Held}). */
  issued: number;
};

/** How long a connection may take to answer the setup. */
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** Frames kept for a connection not yet adopted: a few are expected, a flood is dropped. */
const MAX_EARLY_FRAMES = 64;

const RECONNECT_CODES = new Set([1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014]);

/**
 * Opens an agent as a Gemini Live session (`BidiGenerateContent` over a WebSocket) with the
 * agent's tools, instructions, model options and safety settings, and resolves once the server
 * answered the setup. A function, not a method of the agent, so that the agent's type and the
 * root import stay as they are and the Live code is loaded only by who uses it.
 *
 * The key goes in the URL's query (`?key=`), as Google's own client sends it (@google/genai
 * src/live.ts): the platform `WebSocket` of browsers and Workers cannot set headers. Errors show
 * the URL with the key redacted.
 *
 * @example
 * const session = await createLiveSession(agent, { model: 'gemini-3.1-flash-live-preview' });
 * session.sendText('What is the weather in Paris?');
 * for await (const event of session) if (event.type === 'text-delta') process.stdout.write(event.text);
 *
 * @throws {@link InvalidArgumentError} for an agent or client gemloop did not make, Vertex AI, or
 * a bad option. @throws {@link LiveSessionError} (`connect-failed`) when the server refuses.
 */
export async function createLiveSession(
  agent: Agent<unknown>,
  options: LiveSessionOptions = {},
): Promise<LiveSession> {
  const { options: agentOptions, client } = liveAgentOf(agent, 'createLiveSession');
  const url = liveUrl(client.baseUrl, client.apiVersion, client.apiKey);
  const setup = liveSetupFor(agentOptions, options);
  const WebSocketClass = await loadWebSocket();
  const telemetry = await liveTelemetryOf(agentOptions, setup, client.baseUrl);
  const redact = <T>(value: T): T => scrubSecrets(value, client.secrets.values);
  const session = new LiveSessionState(
    agentOptions,
    options,
    url,
    setup,
    WebSocketClass,
    telemetry,
    redact,
  );
  await session.start(options.resumeHandle);
  return session.api();
}

/**
 * The session's spans, when the agent's telemetry has a tracer provider or one is registered
 * globally (as for the agent's runs; `telemetry: false` turns them off). `@opentelemetry/api` is
 * loaded only then.
 */
async function liveTelemetryOf(
  agent: AgentOptions<unknown>,
  setup: Record<string, unknown>,
  baseUrl: string,
): Promise<LiveTelemetry | undefined> {
  const options = agent.telemetry;
  if (options === false) return undefined;
  if (options?.tracerProvider === undefined && !hasRegisteredOtel()) return undefined;
  const [api, { createLiveTelemetry }] = await Promise.all([
    loadOtelApi(),
    import('./live-telemetry.ts'),
  ]);
  const model = String((setup['setup'] as { model?: unknown } | undefined)?.model ?? '');
  let serverAddress: string | undefined;
  try {
    serverAddress = new URL(baseUrl).hostname;
  } catch {
    serverAddress = undefined;
  }
  return createLiveTelemetry({
    api,
    tracerProvider: options?.tracerProvider ?? api.trace.getTracerProvider(),
    model: model.startsWith('models/') ? model.slice('models/'.length) : model,
    agentName: agent.name,
    serverAddress,
  });
}

/** One live session's state: its connection, handle, tools in flight and events. */
class LiveSessionState {
  readonly #agent: AgentOptions<unknown>;
  readonly #options: LiveSessionOptions;
  readonly #url: string;
  readonly #setup: Record<string, unknown>;
  readonly #WebSocket: typeof WebSocket;
  readonly #functions = new Map<string, FunctionTool>();
  readonly #queue: LiveEventQueue;
  readonly #maxFrameBytes: number;
  readonly #maxBufferedBytes: number;
  readonly #running = new Map<string, RunningCall>();
  readonly #telemetry: LiveTelemetry | undefined;
  /** The Live model, for prices: the setup's, without `models/`. */
  readonly #model: string;
  readonly #redact: <T>(value: T) => T;
  readonly #calls: CallSlots;
  /** The agent's guardrails, through the engine their value carries; `undefined`: none. */
  readonly #guardrails: EngineGuardrails | undefined;
  /** Sends waiting behind a `sendText` whose input guardrails still check it (kept in order). */
  #inputChain: Promise<void> = Promise.resolve();
  #inputChecks = 0;
  /** Aborted when the session ends: the plugins' `run.signal`. */
  readonly #lifetime = new AbortController();
  /** The agent's plugins, when any has a hook a live session runs (tool calls, start, end). */
  #plugins: RunPlugins | undefined;
  #pluginsEnded: Promise<void> = Promise.resolve();
  /** A hook that threw: the session ends with it once the call is answered. */
  #failure: GemloopError | undefined;
  #current: Connection | undefined;
  #handle: string | undefined;
  /**
   * How many resumable handles came so far: a call that came when this was `n` is held by the
   * session's handle once it is more than `n` (see {@link Held}).
   */
  #handleCount = 0;
  #turnInProgress = false;
  #blockingInFlight = 0;
  #draining = false;
  #reconnecting = false;
  #outbox: Held[] = [];
  #outboxBytes = 0;
  #ended = false;
  #resolveClosed!: () => void;
  #rejectClosed!: (error: unknown) => void;
  readonly closed: Promise<void>;

  constructor(
    agent: AgentOptions<unknown>,
    options: LiveSessionOptions,
    url: string,
    setup: Record<string, unknown>,
    WebSocketClass: typeof WebSocket,
    telemetry: LiveTelemetry | undefined,
    redact: <T>(value: T) => T,
  ) {
    this.#telemetry = telemetry;
    this.#agent = agent;
    this.#redact = redact;
    const concurrency = agent.toolConcurrency ?? DEFAULT_TOOL_CONCURRENCY;
    this.#calls = new CallSlots(
      Number.isFinite(concurrency) ? concurrency : Number.MAX_SAFE_INTEGER,
    );
    this.#options = options;
    this.#url = url;
    this.#setup = setup;
    this.#model = String((setup['setup'] as { model?: unknown } | undefined)?.model ?? '');
    this.#WebSocket = WebSocketClass;
    this.#maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 32 * 1024 * 1024;
    this.#queue = new LiveEventQueue(this.#maxBufferedBytes);
    for (const tool of agent.tools ?? []) {
      if (tool.kind === 'function') this.#functions.set(tool.name, tool);
    }
    const guardrails = agent.guardrails;
    this.#guardrails =
      guardrails === undefined
        ? undefined
        : (guardrails.engine as GuardrailEngine).compose([guardrails], undefined);
    this.closed = new Promise<void>((resolve, reject) => {
      this.#resolveClosed = resolve;
      this.#rejectClosed = reject;
    });
    // Handled here so a session nobody awaits `closed` of does not make an unhandled rejection;
    // the reader still gets the error from the iterator.
    this.closed.catch(() => {});
    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = () => void this.close();
      signal.addEventListener('abort', onAbort, { once: true });
      this.closed.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {});
    }
  }

  async start(handle: string | undefined): Promise<void> {
    this.#handle = handle;
    try {
      await this.#startPlugins();
      this.#adopt(await this.#connect(handle));
    } catch (error) {
      this.#end(error as LiveSessionError);
      throw error;
    }
    // The initial history goes first, once; a resumed session has it already.
    const history = this.#options.history;
    if (history !== undefined && handle === undefined) {
      this.#send(
        { clientContent: { turns: liveHistoryTurns(history), turnComplete: true } },
        { history: true },
      );
    }
    // Background calls an earlier process of this session received and never saw answered (it
    // crashed): the resumed server still waits for them, so they are answered as if just made.
    for (const call of this.#options.pendingCalls ?? []) {
      const tool = this.#functions.get(call.name);
      this.#emit({
        type: 'tool-call',
        toolCallId: call.id,
        toolName: call.name,
        args: call.args,
        behavior: 'NON_BLOCKING',
      });
      // Held by the handle resumed from (-1: before any handle this process counts).
      this.#runBackground(this.#current as Connection, call, 0, tool, -1);
    }
  }

  /**
   * The agent's plugins, started for the session as for a run (`startRun` once, `endRun` when it
   * ends): their tool-call hooks apply to every live call. A live session has no model step of
   * the loop, so the model-call and answer hooks do not run (docs/live-agents.md says why).
   */
  async #startPlugins(): Promise<void> {
    const plugins = await startLivePlugins({
      agent: this.#agent,
      model: (this.#setup['setup'] as { model?: string }).model?.replace(/^models\//, ''),
      signal: this.#lifetime.signal,
      emit: (event) => this.#emit(event),
      redact: this.#redact,
    });
    this.#plugins = plugins;
  }

  /** Makes `connection` the session's, then plays the frames that came before. */
  #adopt(connection: Connection): void {
    this.#current = connection;
    const early = connection.early ?? [];
    connection.early = undefined;
    for (const frame of early) this.#onFrame(connection, frame);
  }

  api(): LiveSession {
    const api = {
      get handle() {
        return state.#handle;
      },
      sendText: (text: string) => {
        if (typeof text !== 'string' || text === '') {
          throw new InvalidArgumentError({
            argument: 'text',
            message: 'sendText takes a non-empty string.',
          });
        }
        this.#sendText(text);
      },
      sendAudio: (chunk: Uint8Array | string, mimeType = 'audio/pcm;rate=16000') => {
        if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
          throw new InvalidArgumentError({
            argument: 'chunk',
            message: 'sendAudio takes 16-bit PCM bytes (a Uint8Array) or their base64 text.',
          });
        }
        const data = typeof chunk === 'string' ? chunk : bytesToBase64(chunk);
        this.#sendInOrder({ realtimeInput: { audio: { data, mimeType } } });
      },
      endAudio: () => this.#sendInOrder({ realtimeInput: { audioStreamEnd: true } }),
      close: () => this.close(),
      closed: this.closed,
      [Symbol.asyncIterator]: () => this.#queue[Symbol.asyncIterator](),
    } as LiveSession;
    const state = this;
    if (typeof Symbol.asyncDispose === 'symbol') {
      (api as { [Symbol.asyncDispose]: () => Promise<void> })[Symbol.asyncDispose] = () =>
        this.close();
    }
    return api;
  }

  async close(): Promise<void> {
    this.#end(undefined);
    if (this.#current !== undefined) await closeConnection(this.#current);
    await this.closed.catch(() => {});
    await this.#pluginsEnded;
  }

  #end(error: GemloopError | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#lifetime.abort(error ?? new Error('the live session closed'));
    const plugins = this.#plugins;
    if (plugins?.hooks.endRun !== undefined) {
      // A failing endRun is logged: the session's own end (an error or a close) stands.
      this.#pluginsEnded = plugins.endRun(error).then((failed) => {
        if (failed !== undefined)
          this.#agent.logger?.warn({ err: failed }, 'a plugin failed in endRun of a live session');
      });
    }
    for (const call of this.#running.values())
      call.controller.abort(error ?? new Error('the live session closed'));
    const connection = this.#current;
    if (connection !== undefined) {
      connection.closedByUs = true;
      connection.socket.close(1000);
    }
    this.#outbox = [];
    this.#telemetry?.end(error);
    this.#queue.end(error);
    if (error === undefined) this.#resolveClosed();
    else this.#rejectClosed(error);
  }

  /** What the guardrails' checks of this session share (no run: step 0, no history). */
  #guardrailOptions(signal: AbortSignal): GuardrailRunOptions {
    return {
      agentName: this.#agent.name,
      contents: [],
      signal,
      now: Date.now,
      stepNumber: 0,
      timeoutMs: this.#guardrails?.timeoutMs ?? Number.POSITIVE_INFINITY,
      failOpen: this.#guardrails?.failOpen === true,
      record: (record) =>
        this.#emit({
          type: 'guardrail',
          ...record,
          reason: record.reason === undefined ? undefined : this.#redact(record.reason),
        }),
    };
  }

  /**
   * User text, through the agent's input guardrails first when it has any (as a chat message is):
   * a block stops this text (a `guardrail` event says so; the session goes on), a rewrite sends
   * the rewritten text. What is sent meanwhile waits behind it, in order.
   */
  #sendText(text: string): void {
    const input = this.#guardrails?.input ?? [];
    if (input.length === 0) {
      this.#sendInOrder({ realtimeInput: { text } });
      return;
    }
    // Sending on an ended session throws now, not later in the chain.
    if (this.#ended) this.#send({ realtimeInput: { text } });
    const engine = (this.#guardrails as EngineGuardrails).engine;
    this.#inChain(async () => {
      const checked = await engine.checkInput(
        input,
        { role: 'user', parts: [{ text }] },
        this.#guardrailOptions(this.#lifetime.signal),
      );
      if (checked.type !== 'pass' && checked.type !== 'rewrite') return;
      const sent =
        checked.type === 'pass'
          ? text
          : checked.contents
              .flatMap((content) => content.parts ?? [])
              .flatMap((part) => (typeof part.text === 'string' ? [part.text] : []))
              .join('\n');
      if (sent === '') {
        (this.#agent.logger ?? silentLogger).warn(
          {},
          'live session: an input guardrail rewrote a text to no text; nothing was sent',
        );
        return;
      }
      this.#send({ realtimeInput: { text: sent } });
    });
  }

  /** Sends now, or after the texts still being checked (so nothing overtakes them). */
  #sendInOrder(message: Record<string, unknown>): void {
    if (this.#inputChecks === 0) this.#send(message);
    else {
      if (this.#ended) this.#send(message);
      this.#inChain(() => this.#send(message));
    }
  }

  #inChain(step: () => void | Promise<void>): void {
    this.#inputChecks += 1;
    this.#inputChain = this.#inputChain
      .then(() => (this.#ended ? undefined : step()))
      .catch((error: unknown) => {
        if (!this.#ended)
          (this.#agent.logger ?? silentLogger).warn({ err: error }, 'live session: a send failed');
      })
      .finally(() => {
        this.#inputChecks -= 1;
      });
  }

  #emit(event: LiveEvent): void {
    if (this.#ended) return;
    this.#telemetry?.event(event);
    const onEvent = this.#options.onEvent;
    if (onEvent !== undefined) this.#tap(() => onEvent(event));
    if (!this.#queue.push(event)) {
      this.#end(
        new LiveSessionError({
          reason: 'buffer-full',
          limit: this.#maxBufferedBytes,
          message: `More than ${this.#maxBufferedBytes} bytes of live events waited for a reader: read the session's events as they come (for await ... of session), or raise maxBufferedBytes.`,
        }),
      );
    }
  }

  /** Runs a caller's tap (`onEvent`, `onHandle`): its bug must not end the conversation. */
  #tap(tap: () => void): void {
    try {
      tap();
    } catch (error) {
      (this.#agent.logger ?? silentLogger).warn({ err: error }, 'live session: a tap threw');
    }
  }

  #send(
    message: Record<string, unknown>,
    kept: Omit<Held, 'text' | 'history'> & { history?: boolean } = {},
  ): void {
    if (this.#ended) {
      throw new LiveSessionError({
        reason: 'closed',
        message:
          'The live session is closed (by close(), or by the error its events ended with): open a new one, with resumeHandle to continue it.',
      });
    }
    const text = JSON.stringify(message);
    const connection = this.#current;
    if (this.#reconnecting || connection === undefined || !connection.ready) {
      // Held for the next connection, bounded: audio keeps coming while a resume is under way.
      this.#outboxBytes += text.length;
      if (this.#outboxBytes > this.#maxBufferedBytes) {
        this.#end(
          new LiveSessionError({
            reason: 'buffer-full',
            limit: this.#maxBufferedBytes,
            message: `More than ${this.#maxBufferedBytes} bytes of messages waited for a reconnection.`,
          }),
        );
        return;
      }
      this.#outbox.push({ ...kept, text, history: kept.history === true });
      return;
    }
    this.#sendOn(connection, { ...kept, text, history: kept.history === true });
  }

  #sendOn(connection: Connection, held: Held): void {
    const { text } = held;
    connection.sent.push({ ...held, index: connection.nextIndex });
    connection.sentBytes += text.length;
    connection.nextIndex += 1;
    // Kept for a resume until the server reports them consumed, bounded: a server that never
    // does (or a long monologue between two updates) would otherwise grow this without end. The
    // oldest go first; @google/genai's types say the index exists to "limit buffering".
    while (connection.sentBytes > this.#maxBufferedBytes && connection.sent.length > 0) {
      connection.sentBytes -= (connection.sent.shift() as Sent).text.length;
    }
    connection.socket.send(text);
  }

  #connect(handle: string | undefined): Promise<Connection> {
    const socket = new this.#WebSocket(this.#url);
    socket.binaryType = 'arraybuffer';
    const connection: Connection = {
      socket,
      sent: [],
      sentBytes: 0,
      nextIndex: 0,
      ready: false,
      closedByUs: false,
      takenBefore: 0,
      gone: Promise.resolve(),
      markGone: () => {},
      early: [],
    };
    connection.gone = new Promise<void>((resolve) => {
      connection.markGone = resolve;
    });
    const setup = structuredClone(this.#setup) as { setup: Record<string, unknown> };
    if (handle !== undefined) {
      setup.setup['sessionResumption'] = { handle };
      // The resumed state holds the initial history, unless the history is among what is sent
      // again (the handle predates it): then the server is told to expect it first, as before.
      const historyAgain = this.#current?.sent.some((sent) => sent.history) === true;
      if (!historyAgain) delete setup.setup['historyConfig'];
    }
    const connectTimeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise<Connection>((resolve, reject) => {
      // A server that accepts the socket and never answers the setup must not hang the caller.
      const timer = setTimeout(
        () => {
          if (connection.ready) return;
          connection.closedByUs = true;
          socket.close(1000);
          reject(
            new LiveSessionError({
              reason: 'connect-failed',
              limit: connectTimeoutMs,
              message: `The Live API at ${redactLiveUrl(this.#url)} did not answer the setup within ${connectTimeoutMs} ms (connectTimeoutMs).`,
            }),
          );
        },
        Math.min(connectTimeoutMs, MAX_TIMER_MS),
      );
      void connection.gone.then(() => clearTimeout(timer));
      socket.onopen = () => socket.send(JSON.stringify(setup));
      socket.onerror = () => {};
      socket.onmessage = (event: MessageEvent) => {
        const frame = this.#decode(event.data);
        if (frame === undefined) {
          socket.close(1000);
          if (!connection.ready)
            reject(
              new LiveSessionError({
                reason: 'invalid-frame',
                message: 'The server sent an invalid frame before setupComplete.',
              }),
            );
          return;
        }
        if (!connection.ready) {
          if (frame['setupComplete'] === undefined) return;
          connection.ready = true;
          clearTimeout(timer);
          resolve(connection);
          return;
        }
        if (connection === this.#current) this.#onFrame(connection, frame);
        else if (connection.early !== undefined && connection.early.length < MAX_EARLY_FRAMES) {
          connection.early.push(frame);
        }
      };
      socket.onclose = (event: CloseEvent) => {
        connection.markGone();
        if (!connection.ready) {
          reject(
            new LiveSessionError({
              reason: 'connect-failed',
              closeCode: event.code,
              closeReason: event.reason,
              message: `The Live API at ${redactLiveUrl(this.#url)} closed the connection before setupComplete (${event.code}${event.reason ? `: ${event.reason}` : ''}).`,
            }),
          );
          return;
        }
        if (connection.closedByUs || connection !== this.#current || this.#ended) return;
        this.#onDrop(event.code, event.reason);
      };
    });
  }

  #decode(data: unknown): Record<string, unknown> | undefined {
    const size =
      typeof data === 'string' ? data.length : data instanceof ArrayBuffer ? data.byteLength : 0;
    if (size > this.#maxFrameBytes) {
      this.#end(
        new LiveSessionError({
          reason: 'frame-too-large',
          limit: this.#maxFrameBytes,
          message: `The Live API sent a frame of ${size} bytes, more than maxFrameBytes (${this.#maxFrameBytes}).`,
        }),
      );
      return undefined;
    }
    try {
      // Google's server sends JSON in binary frames (@google/genai's handleWebSocketMessage reads
      // a Blob); the fake and proxies may send text.
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer);
      const frame = JSON.parse(text) as unknown;
      if (typeof frame === 'object' && frame !== null && !Array.isArray(frame))
        return frame as Record<string, unknown>;
    } catch {
      // reported below
    }
    this.#end(
      new LiveSessionError({
        reason: 'invalid-frame',
        message: 'The Live API sent a frame that is not a JSON object.',
      }),
    );
    return undefined;
  }

  #onFrame(connection: Connection, frame: Record<string, unknown>): void {
    const content = frame['serverContent'] as Record<string, unknown> | undefined;
    if (content !== undefined) {
      this.#onContent(content);
      // What was sent before a turn ended was taken in by the server (it answered after it).
      if (content['turnComplete'] === true) connection.takenBefore = connection.nextIndex;
    }
    const toolCall = frame['toolCall'] as { functionCalls?: unknown } | undefined;
    if (toolCall !== undefined && Array.isArray(toolCall.functionCalls)) {
      this.#onToolCalls(connection, toolCall.functionCalls as Record<string, unknown>[]);
    }
    const cancellation = frame['toolCallCancellation'] as { ids?: unknown } | undefined;
    if (cancellation !== undefined && Array.isArray(cancellation.ids))
      this.#onCancel(cancellation.ids);
    const usage = frame['usageMetadata'];
    if (typeof usage === 'object' && usage !== null)
      this.#emit({
        type: 'usage',
        usage: usage as UsageMetadata,
        cost: liveCostOf(usage as UsageMetadata, this.#model, this.#options.prices),
      });
    const update = frame['sessionResumptionUpdate'] as Record<string, unknown> | undefined;
    if (update !== undefined) this.#onResumptionUpdate(connection, update);
    if (frame['goAway'] !== undefined) {
      // LiveServerGoAway: "Server will disconnect soon". Move when the session is at a point it
      // can be resumed from without losing a turn; the server's close is the backstop.
      this.#draining = true;
      this.#maybeMove();
    }
  }

  #onContent(content: Record<string, unknown>): void {
    const turn = content['modelTurn'] as { parts?: unknown } | undefined;
    if (turn !== undefined && Array.isArray(turn.parts)) {
      this.#turnInProgress = true;
      for (const part of turn.parts as Record<string, unknown>[]) {
        if (typeof part['text'] === 'string') {
          this.#emit({
            type: part['thought'] === true ? 'thought-delta' : 'text-delta',
            text: part['text'],
          });
        }
        const inline = part['inlineData'] as { data?: unknown; mimeType?: unknown } | undefined;
        if (inline !== undefined && typeof inline.data === 'string') {
          this.#emit({
            type: 'audio',
            data: inline.data,
            mimeType: String(inline.mimeType ?? 'audio/pcm;rate=24000'),
          });
        }
      }
    }
    for (const [key, type] of [
      ['inputTranscription', 'input-transcript'],
      ['outputTranscription', 'output-transcript'],
    ] as const) {
      const transcript = content[key] as { text?: unknown; finished?: unknown } | undefined;
      if (transcript !== undefined && typeof transcript.text === 'string') {
        this.#emit({ type, text: transcript.text, finished: transcript.finished === true });
      }
    }
    if (content['interrupted'] === true) {
      this.#turnInProgress = false;
      this.#emit({ type: 'interrupted' });
    }
    if (content['turnComplete'] === true) {
      this.#turnInProgress = false;
      const reason = content['turnCompleteReason'];
      this.#emit({ type: 'turn-end', reason: typeof reason === 'string' ? reason : undefined });
    }
  }

  #onResumptionUpdate(connection: Connection, update: Record<string, unknown>): void {
    const resumable =
      update['resumable'] === true &&
      typeof update['newHandle'] === 'string' &&
      update['newHandle'] !== '';
    if (resumable) {
      this.#handle = update['newHandle'] as string;
      this.#handleCount += 1;
    }
    // lastConsumedClientMessageIndex (int64 as a string) says exactly what the handle's state
    // holds, but only with `transparent`, which the Gemini API refuses (see live-setup.ts).
    // Without it, a resumable handle is taken to hold what was sent before the last turnComplete
    // (the server answered after it); what was sent since is sent again on a resume. Counting per
    // connection from the first message after the setup is an assumption checked against the
    // fake only.
    const consumed = Number(update['lastConsumedClientMessageIndex']);
    const before = Number.isSafeInteger(consumed)
      ? consumed + 1
      : resumable
        ? connection.takenBefore
        : undefined;
    const heldCallIds: string[] = [];
    if (before !== undefined) {
      for (const sent of connection.sent) {
        if (sent.index < before) heldCallIds.push(...(sent.callIds ?? []));
      }
      connection.sent = connection.sent.filter((sent) => sent.index >= before);
      connection.sentBytes = connection.sent.reduce((total, sent) => total + sent.text.length, 0);
    }
    if (resumable && !this.#ended)
      this.#tap(() => this.#options.onHandle?.({ handle: this.#handle as string, heldCallIds }));
    this.#maybeMove();
  }

  /** After goAway: moves to a new connection once no turn or blocking call would be cut. */
  #maybeMove(): void {
    if (!this.#draining || this.#reconnecting || this.#turnInProgress || this.#blockingInFlight > 0)
      return;
    if (this.#handle === undefined) return;
    void this.#reconnect('go-away');
  }

  #onDrop(code: number, reason: string): void {
    if (!RECONNECT_CODES.has(code)) {
      this.#end(
        new LiveSessionError({
          reason: 'closed-by-server',
          closeCode: code,
          closeReason: reason,
          message: `The Live API closed the session (${code}${reason ? `: ${reason}` : ''}).`,
        }),
      );
      return;
    }
    if (this.#handle === undefined) {
      this.#end(
        new LiveSessionError({
          reason: 'no-resumption-handle',
          closeCode: code,
          closeReason: reason,
          message: `The Live API connection ended (${code}) before the server sent a resumable session handle, so the session cannot continue.`,
        }),
      );
      return;
    }
    void this.#reconnect('dropped');
  }

  async #reconnect(reason: 'go-away' | 'dropped'): Promise<void> {
    if (this.#reconnecting || this.#ended) return;
    this.#reconnecting = true;
    const old = this.#current as Connection;
    const discardedTurn = this.#turnInProgress;
    this.#turnInProgress = false;
    // A call the last handle does not hold is unknown to the resumed server: a handle is never
    // taken while "the model [is] executing function calls" (LiveServerSessionResumptionUpdate.
    // resumable, @google/genai src/types.ts), so a blocking call always is, and a background
    // call that came after the last handle. The resumed model asks again if it still wants it
    // (the input that led to it is among what is sent again); an answer to the old id would be
    // refused, so the call is stopped and its answer never sent.
    for (const [id, call] of this.#running) {
      if (call.connection !== old || (!this.#blockingOf(call) && call.issued < this.#handleCount))
        continue;
      call.cancelled = true;
      call.controller.abort(new Error('the live connection was replaced'));
      this.#emit({
        type: 'tool-error',
        toolCallId: id,
        toolName: call.toolName,
        outcome: 'cancelled',
        message:
          'The connection was replaced before the call was answered: the resumed session does not know it.',
      });
    }
    let overlap = this.#options.overlapReconnect === true && reason === 'go-away';
    const maxAttempts = this.#options.maxReconnectAttempts ?? 5;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (this.#ended) return;
      // The server refuses a resume while the session's old socket is open (see
      // overlapReconnect), so the old one is closed and its close awaited first.
      if (!overlap) await closeConnection(old);
      try {
        const next = await this.#connect(this.#handle);
        if (this.#ended) {
          next.closedByUs = true;
          next.socket.close(1000);
          return;
        }
        await closeConnection(old);
        this.#current = next;
        // What was sent on the old connection after its last handle, then what waited; not the
        // answers to calls the handle does not hold (see above: the server would refuse them).
        const known = (held: Held) => held.issued === undefined || held.issued < this.#handleCount;
        for (const sent of old.sent) if (known(sent)) this.#sendOn(next, sent);
        const outbox = this.#outbox;
        this.#outbox = [];
        this.#outboxBytes = 0;
        for (const held of outbox) if (known(held)) this.#sendOn(next, held);
        this.#reconnecting = false;
        this.#draining = false;
        this.#emit({ type: 'reconnect', reason, attempt, discardedTurn });
        this.#adopt(next);
        return;
      } catch (error) {
        lastError = error;
        if (
          LiveSessionError.isInstance(error) &&
          error.closeCode !== undefined &&
          !RECONNECT_CODES.has(error.closeCode)
        )
          break;
        // The overlap was refused: close the old socket and try again at once.
        if (overlap) {
          overlap = false;
          continue;
        }
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(250 * 2 ** (attempt - 1), 4000)),
        );
      }
    }
    this.#end(
      new LiveSessionError({
        reason: 'reconnect-failed',
        limit: maxAttempts,
        cause: lastError,
        message: `The live session could not resume on a new connection (${describeThrown(lastError)}).`,
      }),
    );
  }

  #blockingOf(call: RunningCall): boolean {
    const tool = this.#functions.get(call.toolName);
    return tool === undefined || behaviorOf(tool, this.#options.toolBehavior) === 'BLOCKING';
  }

  #onCancel(ids: unknown[]): void {
    for (const id of ids) {
      const call = typeof id === 'string' ? this.#running.get(id) : undefined;
      if (call === undefined) continue;
      call.cancelled = true;
      call.controller.abort(new Error('the server cancelled the call (toolCallCancellation)'));
      this.#emit({
        type: 'tool-error',
        toolCallId: id as string,
        toolName: call.toolName,
        outcome: 'cancelled',
        message: 'The server cancelled the call.',
      });
    }
  }

  #onToolCalls(connection: Connection, calls: Record<string, unknown>[]): void {
    const issued = this.#handleCount;
    const blocking: Promise<FunctionResponse | undefined>[] = [];
    calls.forEach((call, callIndex) => {
      const name = typeof call['name'] === 'string' ? call['name'] : '';
      const id = typeof call['id'] === 'string' ? call['id'] : `live-call-${callIndex}`;
      const args = (
        typeof call['args'] === 'object' && call['args'] !== null ? call['args'] : {}
      ) as Record<string, unknown>;
      const tool = this.#functions.get(name);
      const behavior =
        tool === undefined ? 'BLOCKING' : behaviorOf(tool, this.#options.toolBehavior);
      // FunctionResponse.scheduling: "Only applicable to NON_BLOCKING function calls".
      const scheduling =
        behavior === 'NON_BLOCKING'
          ? (tool?.scheduling ?? this.#options.toolScheduling ?? 'WHEN_IDLE')
          : undefined;
      this.#emit({ type: 'tool-call', toolCallId: id, toolName: name, args, behavior });
      if (scheduling !== undefined) {
        this.#runBackground(connection, { id, name, args }, callIndex, tool, issued);
        return;
      }
      blocking.push(
        this.#runCall(connection, { id, name, args, callIndex }, tool, scheduling, issued),
      );
    });
    if (blocking.length === 0) return;
    this.#blockingInFlight += 1;
    void Promise.all(blocking).then((responses) => {
      this.#blockingInFlight -= 1;
      const answered = responses.filter((response) => response !== undefined);
      // Answers to the calls of a replaced connection, or of one being replaced, are dropped:
      // its state is gone (see #reconnect).
      if (
        answered.length > 0 &&
        !this.#ended &&
        !this.#reconnecting &&
        connection === this.#current
      ) {
        this.#send({ toolResponse: { functionResponses: answered } }, { issued });
      }
      this.#afterAnswer();
      this.#maybeMove();
    });
  }

  /**
   * Runs a background call; its result goes to whichever connection is current when it is ready:
   * the resumed server still knows the call (its handle was taken while the call ran).
   */
  #runBackground(
    connection: Connection,
    call: LivePendingCall,
    callIndex: number,
    tool: FunctionTool | undefined,
    issued: number,
  ): void {
    const scheduling = tool?.scheduling ?? this.#options.toolScheduling ?? 'WHEN_IDLE';
    void this.#runCall(connection, { ...call, callIndex }, tool, scheduling, issued).then(
      (response) => {
        if (response === undefined || this.#ended) return;
        this.#send(
          { toolResponse: { functionResponses: [{ ...response, scheduling }] } },
          {
            callIds: [call.id],
            issued,
          },
        );
        this.#afterAnswer();
      },
    );
  }

  async #runCall(
    connection: Connection,
    call: { id: string; name: string; args: Record<string, unknown>; callIndex: number },
    tool: FunctionTool | undefined,
    scheduling: LiveToolScheduling | undefined,
    issued: number,
  ): Promise<FunctionResponse | undefined> {
    if (this.#running.has(call.id)) {
      // A second call with the id of one still running (a broken server): the first's answer
      // is the id's one answer; running this one too would answer the id twice.
      this.#emit({
        type: 'tool-error',
        toolCallId: call.id,
        toolName: call.name,
        outcome: 'error',
        message: `Not run: a call with id ${call.id} is already running.`,
      });
      return undefined;
    }
    const controller = new AbortController();
    const running: RunningCall = {
      controller,
      toolName: call.name,
      cancelled: false,
      connection,
      issued,
    };
    this.#running.set(call.id, running);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let outcome: LiveCallOutcome = { type: 'aborted' };
    let slot = false;
    try {
      // At most toolConcurrency tools at once, as in a run's turn: a server sending thousands
      // of calls queues them instead of starting them all.
      slot = await this.#calls.acquire(controller.signal);
      if (slot) {
        const timeoutMs = tool?.timeoutMs ?? this.#agent.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
        timer = setTimeout(
          () => controller.abort(new Error(`the tool took longer than ${timeoutMs} ms`)),
          Math.min(timeoutMs, MAX_TIMER_MS),
        );
        outcome = await runLiveToolCall(
          {
            agent: this.#agent,
            functions: this.#functions,
            plugins: this.#plugins,
            guardrails: this.#guardrails,
            guardrailOptions: (signal) => this.#guardrailOptions(signal),
          },
          call,
          controller.signal,
        );
      }
    } finally {
      clearTimeout(timer);
      if (slot) this.#calls.release();
      this.#running.delete(call.id);
    }
    if (running.cancelled || this.#ended || outcome.type === 'aborted') {
      // Cancelled by the server (nothing is sent), or the session is over. A call aborted by
      // its timeout is answered as a failure.
      if (running.cancelled || this.#ended) return undefined;
      outcome = {
        type: 'failed',
        outcome: 'error',
        message: describeThrown(controller.signal.reason),
      };
    }
    if (outcome.type === 'value') {
      const output = this.#redact(outcome.output);
      this.#emit({
        type: 'tool-result',
        toolCallId: call.id,
        toolName: call.name,
        output,
        scheduling,
      });
      return toFunctionResponse({
        name: call.name,
        id: call.id,
        result: this.#redact(outcome.sent),
      }).functionResponse;
    }
    const message = this.#redact(outcome.message);
    this.#emit({
      type: 'tool-error',
      toolCallId: call.id,
      toolName: call.name,
      outcome:
        outcome.type === 'failed'
          ? outcome.outcome
          : outcome.type === 'guardrail-tripped'
            ? 'denied'
            : 'error',
      message,
    });
    const response = toolErrorResponse({
      name: call.name,
      id: call.id,
      error: message,
      issues: outcome.type === 'failed' ? this.#redact(outcome.issues) : undefined,
    });
    if (outcome.type === 'guardrail-tripped') {
      // As in a run: the call is answered, then the session ends with the trip (see #afterAnswer).
      const { trip } = outcome;
      const usage = emptyUsage();
      this.#failure ??= new GuardrailTrippedError({
        guardrailName: trip.name,
        phase: trip.phase,
        reason: this.#redact(trip.reason),
        run: { contents: [], newContents: [], steps: [], usage, cost: zeroCost() },
      });
    }
    if (outcome.type === 'hook-failed') {
      // As in a run: the call is answered, then the session ends with the hook's error (a
      // plugin's PluginError as it is, the approval hook's wrapped): see #afterAnswer.
      const error = outcome.error;
      this.#failure ??= GemloopError.isInstance(error)
        ? error
        : new LiveSessionError({
            reason: 'hook-failed',
            cause: this.#redact(error),
            message: this.#redact(
              `beforeToolCall threw for ${call.name} (${call.id}): ${describeThrown(error)}`,
            ),
          });
    }
    return response;
  }

  /**
   * After calls were answered: the session ends with a hook's failure, or closes when a plugin
   * ended it (`run.finish(reason)`), as a run ends once its step's calls are answered.
   */
  #afterAnswer(): void {
    if (this.#ended) return;
    if (this.#failure !== undefined) {
      this.#end(this.#failure);
      return;
    }
    const stop = this.#plugins?.stop;
    if (stop === undefined) return;
    this.#emit({ type: 'finish', stoppedBy: { plugin: stop.plugin, reason: stop.reason } });
    void this.close();
  }
}

/** How long a close handshake may take before the socket is given up on: a hang guard. */
const CLOSE_WAIT_MS = 5000;

/** Closes a connection's socket (code 1000) and waits for its close event, at most CLOSE_WAIT_MS. */
async function closeConnection(connection: Connection): Promise<void> {
  connection.closedByUs = true;
  connection.socket.close(1000);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    connection.gone,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
}
