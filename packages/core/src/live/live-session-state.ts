import type { AgentOptions } from '../agent/config/agent-options.ts';
import { DEFAULT_TOOL_CONCURRENCY } from '../agent/config/options/tool-runs.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import type { RunPlugins } from '../agent/plugins/run-plugins.ts';
import type { GemloopError } from '../errors/gemloop-error.ts';
import type { GuardrailRunOptions } from '../guardrails/guardrail-check-results.ts';
import type { LiveGuardrails } from '../guardrails/live-guardrails.ts';
import { silentLogger } from '../logging/logger.ts';
import { describeThrown } from '../shared/describe-thrown.ts';
import type { FunctionTool } from '../tools/tool.ts';
import type { UsageMetadata } from '../wire/response.ts';
import { liveCostOf } from './live-cost.ts';
import type { LiveEvent } from './live-event.ts';
import { LiveEventQueue } from './live-event-queue.ts';
import { startLivePlugins } from './live-plugins.ts';
import { type LiveSession, liveSessionApi } from './live-session.ts';
import { LiveSessionError } from './live-session-error.ts';
import type { ResolvedLiveSessionOptions } from './live-session-options.ts';
import { liveHistoryTurns } from './live-setup.ts';
import type { LiveTelemetry } from './live-telemetry.ts';
import { type Connection, closeConnection, takeConsumed } from './session/live-connection.ts';
import { LiveConnections } from './session/live-connections.ts';
import { LiveEventSink } from './session/live-event-sink.ts';
import { contentEvents, objectField } from './session/live-frames.ts';
import { liveGuardrailOptions, liveGuardrailsOf } from './session/live-guardrails.ts';
import { LiveInputGate } from './session/live-input-gate.ts';
import { dropError, resumeOnNewConnection } from './session/live-resume.ts';
import { LiveResumptionHandle } from './session/live-resumption-handle.ts';
import { LiveToolRunner } from './session/live-tool-runner.ts';

/**
 * One live session's state: its connection, handle, tools in flight and events. Made and
 * started by `openLiveSession` (create-live-session.ts). @internal
 */
export class LiveSessionState {
  readonly #agent: AgentOptions<unknown>;
  readonly #options: ResolvedLiveSessionOptions;
  readonly #setup: Record<string, unknown>;
  readonly #functions = new Map<string, FunctionTool>();
  readonly #queue: LiveEventQueue;
  readonly #maxBufferedBytes: number;
  readonly #telemetry: LiveTelemetry | undefined;
  /** The Live model, for prices: the setup's, without `models/`. */
  readonly #model: string;
  readonly #redact: <T>(value: T) => T;
  readonly #tools: LiveToolRunner;
  readonly #input: LiveInputGate;
  /** The agent's guardrails (`guardrails/`'s checks); `undefined`: none. */
  readonly #guardrails: LiveGuardrails | undefined;
  /** Aborted when the session ends: the plugins' `run.signal`. */
  readonly #lifetime = new AbortController();
  /** The agent's plugins, when any has a hook a live session runs (tool calls, start, end). */
  #plugins: RunPlugins | undefined;
  #pluginsEnded: Promise<void> = Promise.resolve();
  /** How many runs the session runs inside: its tools and plugin hooks are called at it. */
  readonly #depth: number;
  readonly #connections: LiveConnections;
  readonly #handle = new LiveResumptionHandle();
  #turnInProgress = false;
  #draining = false;
  readonly #events: LiveEventSink;
  #ended = false;
  /** What the session ended with (`undefined`: a close, or not ended). */
  #endError: GemloopError | undefined;
  /**
   * The caller's signal's reason, once it aborted: the cause of the `closed` a setup it cut short
   * fails with, so the caller sees its own reason (misc64).
   */
  #abortedWith: { reason: unknown } | undefined;
  #resolveClosed!: () => void;
  #rejectClosed!: (error: unknown) => void;
  readonly closed: Promise<void>;

  constructor(
    agent: AgentOptions<unknown>,
    options: ResolvedLiveSessionOptions,
    url: string,
    setup: Record<string, unknown>,
    WebSocketClass: typeof WebSocket,
    telemetry: LiveTelemetry | undefined,
    redact: <T>(value: T) => T,
    sentText: ((text: string) => void) | undefined,
    /** The session's run depth (`PreparedLiveSession.depth`). */
    depth: number,
  ) {
    this.#depth = depth;
    this.#telemetry = telemetry;
    this.#agent = agent;
    this.#redact = redact;
    this.#options = options;
    this.#setup = setup;
    this.#model = String((setup['setup'] as { model?: unknown } | undefined)?.model ?? '');
    this.#maxBufferedBytes = options.maxBufferedBytes;
    this.#queue = new LiveEventQueue(this.#maxBufferedBytes);
    this.#connections = new LiveConnections({
      url,
      WebSocket: WebSocketClass,
      setup,
      connectTimeoutMs: options.connectTimeoutMs,
      maxFrameBytes: options.maxFrameBytes,
      maxBufferedBytes: this.#maxBufferedBytes,
      redact,
      signal: this.#lifetime.signal,
      ended: () => this.#ended,
      end: (error) => this.#end(error),
      onFrame: (connection, frame) => this.#onFrame(connection, frame),
      onDrop: (code, reason) => this.#onDrop(code, reason),
    });
    this.#events = new LiveEventSink({
      queue: this.#queue,
      telemetry,
      onEvent: options.onEvent,
      logger: agent.logger ?? silentLogger,
      maxBufferedBytes: this.#maxBufferedBytes,
      end: (error) => this.#end(error),
    });
    for (const tool of agent.tools ?? []) {
      if (tool.kind === 'function') this.#functions.set(tool.name, tool);
    }
    this.#guardrails = liveGuardrailsOf(agent);
    const concurrency = agent.toolConcurrency ?? DEFAULT_TOOL_CONCURRENCY;
    this.#tools = new LiveToolRunner(
      {
        agent,
        options,
        functions: this.#functions,
        guardrails: this.#guardrails,
        guardrailOptions: (signal) => this.#guardrailOptions(signal),
        plugins: () => this.#plugins,
        depth,
        redact,
        emit: (event) => this.#emit(event),
        send: (message, kept) => this.#connections.send(message, kept),
        ended: () => this.#ended,
        answersTo: (connection) =>
          !this.#ended &&
          !this.#connections.reconnecting &&
          connection === this.#connections.current,
        maybeMove: () => this.#maybeMove(),
        end: (error) => this.#end(error),
        close: () => this.close(),
      },
      Number.isFinite(concurrency) ? concurrency : Number.MAX_SAFE_INTEGER,
    );
    this.#input = new LiveInputGate({
      guardrails: this.#guardrails?.composed,
      checkInput: this.#guardrails?.checkInput,
      guardrailOptions: (signal) => this.#guardrailOptions(signal),
      signal: this.#lifetime.signal,
      logger: agent.logger ?? silentLogger,
      ended: () => this.#ended,
      send: (message) => this.#connections.send(message),
      sentText,
      maxWaitingBytes: this.#maxBufferedBytes,
      end: (error) => this.#end(error),
    });
    this.closed = new Promise<void>((resolve, reject) => {
      this.#resolveClosed = resolve;
      this.#rejectClosed = reject;
    });
    // Handled here so a session nobody awaits `closed` of does not make an unhandled rejection;
    // the reader still gets the error from the iterator.
    this.closed.catch(() => {});
    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = () => {
        this.#abortedWith = { reason: signal.reason };
        void this.close();
      };
      // A signal aborted already fires no event: the session opened and ran as if it had none
      // (attack60). Ended here, `start` refuses to connect.
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        this.closed.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {});
      }
    }
  }

  async start(handle: string | undefined): Promise<void> {
    this.#handle.value = handle;
    if (this.#ended) {
      // Its signal aborted before the session existed (or in its constructor): nothing started.
      throw new LiveSessionError({
        reason: 'closed',
        message: 'The live session was closed before it connected: its signal was aborted.',
        cause: this.#abortedWith?.reason,
      });
    }
    try {
      await this.#startPlugins();
      this.#connections.adopt(await this.#connections.open(handle));
      this.#afterConnect(handle);
    } catch (error) {
      const failure = this.#setupFailure(error);
      this.#end(failure as LiveSessionError);
      throw failure;
    }
  }

  /**
   * What a setup cut short by the session's end (its signal, close()) fails with: `closed`, with
   * the signal's reason as cause, whichever part of the setup it stopped. The connection's own
   * `closed` (its lifetime aborted while it connected) carries no cause, and a plugin's `startRun`
   * cut short throws the run's abort ("error.run.contents holds the history": a live session has
   * none): both are the same abort, so both become this one error (attack60, misc64). Any other
   * error (the server's refusal before the abort) is the session's as it is.
   */
  #setupFailure(error: unknown): unknown {
    if (!this.#ended || this.#endError !== undefined) return error;
    const closed =
      AgentAbortedError.isInstance(error) ||
      (LiveSessionError.isInstance(error) && error.reason === 'closed');
    if (!closed) return error;
    return new LiveSessionError({
      reason: 'closed',
      message: 'The live session was closed while it connected.',
      cause: this.#abortedWith === undefined ? error : this.#abortedWith.reason,
    });
  }

  /**
   * What follows the first connection: the initial history, then the calls an earlier process
   * left. Inside start's `try`: a throw here ended nothing, and the open socket was left with no
   * one to close it (attack60).
   */
  #afterConnect(handle: string | undefined): void {
    // The initial history goes first, once; a resumed session has it already.
    const history = this.#options.history;
    if (history !== undefined && handle === undefined) {
      this.#connections.send(
        { clientContent: { turns: liveHistoryTurns(history), turnComplete: true } },
        { history: true },
      );
    }
    this.#tools.runPending(this.#connections.current as Connection);
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
      depth: this.#depth,
    });
    this.#plugins = plugins;
    // Ended while `startRun` ran (the signal, close()): #end found no plugins to end, and a
    // started plugin is always ended, as a run's is (attack60).
    if (this.#ended) this.#endPlugins(this.#endError);
  }

  api(): LiveSession {
    return liveSessionApi({
      handle: () => this.#handle.value,
      input: this.#input,
      close: () => this.close(),
      closed: this.closed,
      events: () => this.#queue[Symbol.asyncIterator](),
    });
  }

  async close(): Promise<void> {
    this.#end(undefined);
    const current = this.#connections.current;
    if (current !== undefined) await closeConnection(current);
    await this.closed.catch(() => {});
    await this.#pluginsEnded;
  }

  #end(error: GemloopError | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endError = error;
    this.#lifetime.abort(error ?? new Error('the live session closed'));
    this.#endPlugins(error);
    this.#tools.abortAll(error ?? new Error('the live session closed'));
    this.#connections.closeAll();
    this.#telemetry?.end(error);
    this.#queue.end(error);
    if (error === undefined) this.#resolveClosed();
    else this.#rejectClosed(error);
  }

  /** The plugins' `endRun`, once they started (a session ended before has none to end yet). */
  #endPlugins(error: GemloopError | undefined): void {
    const plugins = this.#plugins;
    if (plugins?.hooks.endRun === undefined) return;
    // A failing endRun is logged: the session's own end (an error or a close) stands.
    this.#pluginsEnded = plugins.endRun(error).then((failed) => {
      if (failed !== undefined)
        this.#agent.logger?.warn({ err: failed }, 'a plugin failed in endRun of a live session');
    });
  }

  #guardrailOptions(signal: AbortSignal): GuardrailRunOptions {
    return liveGuardrailOptions(
      this.#guardrails?.composed,
      this.#agent.name,
      signal,
      (event) => this.#emit(event),
      this.#redact,
      this.#depth,
    );
  }

  #emit(event: LiveEvent): void {
    if (!this.#ended) this.#events.emit(event);
  }

  #onFrame(connection: Connection, frame: Record<string, unknown>): void {
    // A frame read after the end (a platform's socket that still delivers while closing, early
    // frames played after a close) is the server's word to a session that no longer listens.
    if (this.#ended) return;
    if (
      frame['serverContent'] !== undefined ||
      frame['toolCall'] !== undefined ||
      frame['toolCallCancellation'] !== undefined
    )
      connection.heard = true;
    const content = objectField(frame['serverContent']);
    if (content !== undefined) {
      const translated = contentEvents(content);
      if (translated.modelTurn) this.#turnInProgress = true;
      if (translated.turnEnded) this.#turnInProgress = false;
      for (const event of translated.events) this.#emit(event);
      // What was sent before a turn ended was taken in by the server (it answered after it).
      if (content['turnComplete'] === true) connection.takenBefore = connection.nextIndex;
    }
    const functionCalls = objectField(frame['toolCall'])?.['functionCalls'];
    if (Array.isArray(functionCalls)) {
      // A call that is not an object is no call: nothing to run or answer.
      const calls = functionCalls.map(objectField).filter((call) => call !== undefined);
      if (calls.length > 0) this.#tools.onToolCalls(connection, calls, this.#handle.count);
    }
    const cancelled = objectField(frame['toolCallCancellation'])?.['ids'];
    if (Array.isArray(cancelled)) this.#tools.onCancel(cancelled);
    const usage = objectField(frame['usageMetadata']);
    if (usage !== undefined)
      this.#emit({
        type: 'usage',
        usage: usage as UsageMetadata,
        cost: liveCostOf(usage as UsageMetadata, this.#model, this.#options.prices),
      });
    const update = objectField(frame['sessionResumptionUpdate']);
    if (update !== undefined) this.#onResumptionUpdate(connection, update);
    if (frame['goAway'] !== undefined) {
      // LiveServerGoAway: "Server will disconnect soon". Move when the session is at a point it
      // can be resumed from without losing a turn; the server's close is the backstop.
      this.#draining = true;
      this.#maybeMove();
    }
  }

  #onResumptionUpdate(connection: Connection, update: Record<string, unknown>): void {
    const resumable = this.#handle.update(update);
    const heldCallIds = takeConsumed(connection, update, resumable);
    if (resumable && !this.#ended)
      this.#events.tap(() =>
        this.#options.onHandle?.({ handle: this.#handle.value as string, heldCallIds }),
      );
    this.#maybeMove();
  }

  /** After goAway: moves to a new connection once no turn or blocking call would be cut. */
  #maybeMove(): void {
    if (
      !this.#draining ||
      // No resume: the connection serves until the server closes it (its goAway's timeLeft).
      this.#options.maxReconnectAttempts === 0 ||
      this.#connections.reconnecting ||
      this.#turnInProgress ||
      this.#tools.blockingInFlight > 0
    )
      return;
    if (this.#handle.value === undefined) return;
    void this.#reconnect('go-away');
  }

  #onDrop(code: number, reason: string): void {
    const error = dropError(code, reason, this.#handle.value !== undefined);
    if (error !== undefined) this.#end(error);
    else if (this.#options.maxReconnectAttempts === 0) {
      // No resume asked for: said so, not "0 connections in a row ended within 30 s of their
      // setup with nothing from the model" (the fruitless count's words), as it was (attack60).
      this.#end(
        new LiveSessionError({
          reason: 'reconnect-failed',
          limit: 0,
          closeCode: code,
          closeReason: reason,
          message: `The Live API connection ended (${code}${reason ? `: ${reason}` : ''}) and maxReconnectAttempts is 0, so the session does not resume.`,
        }),
      );
    } else void this.#reconnect('dropped');
  }

  async #reconnect(reason: 'go-away' | 'dropped'): Promise<void> {
    const connections = this.#connections;
    if (connections.reconnecting || this.#ended) return;
    connections.reconnecting = true;
    const old = connections.current as Connection;
    const maxAttempts = this.#options.maxReconnectAttempts;
    // Resumed connections that come to nothing count as failed attempts, in a row.
    const fruitless = this.#handle.fruitlessError(old, maxAttempts);
    if (fruitless !== undefined) {
      this.#end(fruitless);
      return;
    }
    const discardedTurn = this.#turnInProgress;
    this.#turnInProgress = false;
    // The handles of the old connection: those the new one sends hold none of what it sent.
    const handles = this.#handle.count;
    this.#tools.cancelUnheld(old, handles);
    const resumed = await resumeOnNewConnection({
      old,
      overlap: this.#options.overlapReconnect && reason === 'go-away',
      maxAttempts,
      ended: () => this.#ended,
      signal: this.#lifetime.signal,
      connect: () => connections.open(this.#handle.value),
    });
    if (resumed.type === 'ended') return;
    if (resumed.type === 'failed') {
      this.#end(
        new LiveSessionError({
          reason: 'reconnect-failed',
          limit: maxAttempts,
          cause: resumed.error,
          message: `The live session could not resume on a new connection (${describeThrown(resumed.error)}).`,
        }),
      );
      return;
    }
    const { next, attempt } = resumed;
    next.resumed = true;
    if (this.#ended) {
      next.closedByUs = true;
      next.socket.close(1000);
      return;
    }
    connections.current = next;
    this.#draining = false;
    this.#emit({ type: 'reconnect', reason, attempt, discardedTurn });
    // The frames that came before anything is sent again go first (still reconnecting: what
    // they make waits in the outbox). The handle the server sends at once on a resume is among
    // them: it predates what is sent again, and must not count it as held (takeConsumed).
    connections.adopt(next);
    // What was sent on the old connection after its last handle, then what waited; not the
    // answers to calls the handle does not hold (see above: the server would refuse them).
    if (!connections.resend(old, next, handles)) return;
    connections.reconnecting = false;
    // A goAway among the early frames waited for the resends.
    this.#maybeMove();
  }
}
