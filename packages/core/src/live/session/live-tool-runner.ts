import type { AgentOptions } from '../../agent/config/agent-options.ts';
import { GuardrailTrippedError } from '../../agent/errors/guardrail-tripped-error.ts';
import type { RunPlugins } from '../../agent/plugins/run-plugins.ts';
import { answerWithResult } from '../../agent/tool-calls/tool-response.ts';
import { emptyUsage } from '../../agent/usage.ts';
import { GemloopError } from '../../errors/gemloop-error.ts';
import type { GuardrailRunOptions } from '../../guardrails/guardrail-check-results.ts';
import type { LiveGuardrails } from '../../guardrails/live-guardrails.ts';
import { zeroCost } from '../../models/cost.ts';
import { cutName } from '../../shared/cut-text.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { createArgumentRedactor } from '../../tools/define/argument-redactor.ts';
import {
  cutFunctionResponse,
  REST_NOT_KEPT,
  type ToolOutputLimit,
} from '../../tools/responses/cut-function-response.ts';
import { toolErrorResponse } from '../../tools/responses/tool-error-response.ts';
import type { FunctionTool } from '../../tools/tool.ts';
import type { FunctionResponse } from '../../wire/content.ts';
import type { LiveEvent, LiveToolScheduling } from '../live-event.ts';
import { LiveSessionError } from '../live-session-error.ts';
import type { LivePendingCall, ResolvedLiveSessionOptions } from '../live-session-options.ts';
import { behaviorOf } from '../live-setup.ts';
import { CallSlots, maxWaitingCalls, waitingCallsError } from './call-slots.ts';
import type { Connection, Held } from './live-connection.ts';
import { type LiveCallOutcome, liveToolErrorMessage, runLiveToolCall } from './live-tool-call.ts';
import { liveToolErrorThrown } from './live-tool-error-thrown.ts';
import { liveToolOutputLimit } from './live-tool-output-limit.ts';
import { idlessKey, nextIdlessKey } from './next-idless-key.ts';

const restNotKept = (): string => REST_NOT_KEPT;

type RunningCall = {
  controller: AbortController;
  toolName: string;
  cancelled: boolean;
  connection: Connection;
  /** The session's handle count when the call came (see {@link Held}). */
  issued: number;
};

/** What a session's tool calls read of it and do through it. @internal */
export type LiveToolHost = {
  readonly agent: AgentOptions<unknown>;
  readonly options: ResolvedLiveSessionOptions;
  readonly functions: ReadonlyMap<string, FunctionTool>;
  readonly guardrails: LiveGuardrails | undefined;
  guardrailOptions(signal: AbortSignal): GuardrailRunOptions;
  /** The session's plugins (started after the runner was made). */
  plugins(): RunPlugins | undefined;
  /** The session's run depth: its tools and hooks are called at it (`callAtDepth`). */
  readonly depth: number;
  redact<T>(value: T): T;
  emit(event: LiveEvent): void;
  send(message: Record<string, unknown>, kept: Omit<Held, 'text' | 'history'>): void;
  ended(): boolean;
  /** Whether blocking answers may go to `connection`: it is the session's and not being replaced. */
  answersTo(connection: Connection): boolean;
  /** After a blocking frame was answered: a pending goAway may move the session now. */
  maybeMove(): void;
  end(error: GemloopError): void;
  close(): Promise<void>;
};

/**
 * A live session's tool calls: each through the run's path (plugins, schema, guardrails,
 * approval, time limit), at most `toolConcurrency` at once, answered once per id; blocking calls
 * held until the frame's last is done, background ones sent with their scheduling. @internal
 */
export class LiveToolRunner {
  readonly #host: LiveToolHost;
  readonly #running = new Map<string, RunningCall>();
  readonly #calls: CallSlots;
  #blockingInFlight = 0;
  /**
   * The next id-less call's `n`: each gets the local key `live-call-<n>`, unique for the session,
   * across its processes too (`idlessKeyStart`, `pendingCalls`).
   */
  #idlessCalls: number;
  /** A hook that threw or a guardrail that tripped: the session ends with it once answered. */
  #failure: GemloopError | undefined;
  /** The cap on one result the model gets (`liveToolOutputLimit`); `undefined`: none. */
  readonly #outputLimit: ToolOutputLimit | undefined;

  constructor(host: LiveToolHost, concurrency: number) {
    this.#host = host;
    this.#calls = new CallSlots(concurrency, maxWaitingCalls(host.options.maxBufferedBytes));
    this.#outputLimit = liveToolOutputLimit(host.agent, host.options);
    // An earlier process of the session gave out keys from 0: counting from 0 again gave a new
    // call the key of a held one (answered, in a durable session, by the held call's stored
    // result; refused as a duplicate while it ran).
    const { pendingCalls = [], idlessKeyStart = 0 } = host.options;
    this.#idlessCalls = nextIdlessKey(
      pendingCalls.map((call) => call.id),
      idlessKeyStart,
    );
  }

  /** Frames of blocking calls not yet answered (a goAway waits for them). */
  get blockingInFlight(): number {
    return this.#blockingInFlight;
  }

  /** Aborts every running call: the session ended. */
  abortAll(reason: unknown): void {
    for (const call of this.#running.values()) call.controller.abort(reason);
  }

  /**
   * Stops the calls of `old` the last handle does not hold (blocking ones, and background ones
   * issued at or after `handleCount`): the resumed server does not know them.
   */
  cancelUnheld(old: Connection, handleCount: number): void {
    // A call the last handle does not hold is unknown to the resumed server: a handle is never
    // taken while "the model [is] executing function calls" (LiveServerSessionResumptionUpdate.
    // resumable, @google/genai src/types.ts), so a blocking call always is, and a background
    // call that came after the last handle. The resumed model asks again if it still wants it
    // (the input that led to it is among what is sent again); an answer to the old id would be
    // refused, so the call is stopped and its answer never sent.
    for (const [id, call] of this.#running) {
      if (call.connection !== old || (!this.#blockingOf(call) && call.issued < handleCount))
        continue;
      call.cancelled = true;
      call.controller.abort(new Error('the live connection was replaced'));
      this.#host.emit({
        type: 'tool-error',
        toolCallId: id,
        toolName: call.toolName,
        outcome: 'cancelled',
        message:
          'The connection was replaced before the call was answered: the resumed session does not know it.',
      });
    }
  }

  #blockingOf(call: RunningCall): boolean {
    const tool = this.#host.functions.get(call.toolName);
    return tool === undefined || behaviorOf(tool, this.#host.options.toolBehavior) === 'BLOCKING';
  }

  /** `toolCallCancellation`: aborts the calls it names; nothing is sent for them. */
  onCancel(ids: unknown[]): void {
    for (const id of ids) {
      const call = typeof id === 'string' ? this.#running.get(id) : undefined;
      if (call === undefined) continue;
      call.cancelled = true;
      call.controller.abort(new Error('the server cancelled the call (toolCallCancellation)'));
      this.#host.emit({
        type: 'tool-error',
        toolCallId: id as string,
        toolName: call.toolName,
        outcome: 'cancelled',
        message: 'The server cancelled the call.',
      });
    }
  }

  /**
   * Runs the calls of a `toolCall` frame: background ones each on its own, blocking ones
   * together, answered in one `toolResponse` once all are done. `issued`: the session's handle
   * count now (see {@link Held}).
   */
  onToolCalls(connection: Connection, calls: Record<string, unknown>[], issued: number): void {
    // The frame's earlier part may have ended the session (its text filled the reader's queue, an
    // onEvent closed it): a call run now would act for a session that is over, its answer never
    // sent (attack60: a tool ran after the session ended with buffer-full).
    if (this.#host.ended()) return;
    const blocking: Promise<FunctionResponse | undefined>[] = [];
    calls.forEach((call, callIndex) => {
      const name = typeof call['name'] === 'string' ? call['name'] : '';
      // FunctionCall.id is "Optional" (a Vertex server may leave it out): such a call gets a key
      // unique for the session (a per-frame index made two frames' calls one, the second never
      // run nor answered), and its answer goes back id-less, as the call came (FunctionResponse.
      // id: "Populated by the client to match the corresponding function call id").
      const wireId = typeof call['id'] === 'string' ? call['id'] : undefined;
      const id = wireId ?? this.#idlessKey();
      // Arguments that are no object (a relay's JSON text, a number) go to the tool's schema as
      // they came, which refuses them as a run's does; as `{}`, a tool whose parameters are all
      // optional ran without the model's arguments (attack57). Absent or null: none.
      const given = call['args'];
      const args = (given === undefined || given === null ? {} : given) as Record<string, unknown>;
      const tool = this.#host.functions.get(name);
      const behavior =
        tool === undefined ? 'BLOCKING' : behaviorOf(tool, this.#host.options.toolBehavior);
      // FunctionResponse.scheduling: "Only applicable to NON_BLOCKING function calls".
      const scheduling =
        behavior === 'NON_BLOCKING'
          ? (tool?.scheduling ?? this.#host.options.toolScheduling)
          : undefined;
      this.#host.emit({
        type: 'tool-call',
        toolCallId: id,
        toolName: name,
        args,
        behavior,
        ...(wireId === undefined ? { idless: true } : {}),
      });
      if (scheduling !== undefined) {
        this.runBackground(connection, { id, name, args }, callIndex, tool, issued, wireId);
        return;
      }
      blocking.push(
        this.#runCall(connection, { id, wireId, name, args, callIndex }, scheduling, issued),
      );
    });
    if (blocking.length === 0) return;
    this.#blockingInFlight += 1;
    void Promise.all(blocking).then((responses) => {
      this.#blockingInFlight -= 1;
      const answered = responses.filter((response) => response !== undefined);
      // Answers to the calls of a replaced connection, or of one being replaced, are dropped:
      // its state is gone (see #reconnect).
      if (answered.length > 0 && this.#host.answersTo(connection)) {
        this.#host.send({ toolResponse: { functionResponses: answered } }, { issued });
      }
      this.#afterAnswer();
      this.#host.maybeMove();
    });
  }

  /**
   * The next local key for an id-less call: past any key a running call holds, so a server id
   * that looks like one (`live-call-0`) does not make the id-less call a duplicate, never run.
   */
  #idlessKey(): string {
    let key: string;
    do key = idlessKey(this.#idlessCalls++);
    while (this.#running.has(key));
    return key;
  }

  /**
   * Runs the background calls an earlier process of this session received and never saw answered
   * (`pendingCalls`; it crashed): the resumed server still waits for them, so they are answered
   * as if just made on `connection`.
   */
  runPending(connection: Connection): void {
    if (this.#host.ended()) return;
    for (const call of this.#host.options.pendingCalls ?? []) {
      const tool = this.#host.functions.get(call.name);
      // An id-less call's id is the earlier process's local key: its answer goes without one.
      const idless = call.idless === true;
      this.#host.emit({
        type: 'tool-call',
        toolCallId: call.id,
        toolName: call.name,
        args: call.args,
        behavior: 'NON_BLOCKING',
        ...(idless ? { idless: true } : {}),
      });
      // Held by the handle resumed from (-1: before any handle this process counts).
      const wireId = idless ? undefined : call.id;
      this.runBackground(connection, call, 0, tool, -1, wireId);
    }
  }

  /**
   * Runs a background call; its result goes to whichever connection is current when it is ready:
   * the resumed server still knows the call (its handle was taken while the call ran).
   * `wireId`: the id its answer carries (undefined for a call the server sent without one). Not
   * a defaulted parameter: a default applies to an explicit `undefined` too, and an id-less
   * call's answer went out with its local key (`live-call-0`), refused by the server.
   */
  runBackground(
    connection: Connection,
    call: LivePendingCall,
    callIndex: number,
    tool: FunctionTool | undefined,
    issued: number,
    wireId: string | undefined,
  ): void {
    const scheduling = tool?.scheduling ?? this.#host.options.toolScheduling;
    void this.#runCall(connection, { ...call, wireId, callIndex }, scheduling, issued).then(
      (response) => {
        if (response === undefined || this.#host.ended()) return;
        this.#host.send(
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
    call: {
      id: string;
      /** The id the answer carries: undefined when the server's call had none. */
      wireId: string | undefined;
      name: string;
      args: Record<string, unknown>;
      callIndex: number;
    },
    scheduling: LiveToolScheduling | undefined,
    issued: number,
  ): Promise<FunctionResponse | undefined> {
    // The session ended before this call started: by an earlier call's event of the same frame
    // (the reader's queue full), a hook, a close. Abort reached only the calls running then: the
    // frame's later calls ran their tools for a session that was over (attack60).
    if (this.#host.ended()) return undefined;
    if (this.#running.has(call.id)) {
      // A second call with the id of one still running (a broken server): the first's answer
      // is the id's one answer; running this one too would answer the id twice.
      this.#host.emit({
        type: 'tool-error',
        toolCallId: call.id,
        toolName: call.name,
        outcome: 'error',
        message: `Not run: a call with id ${cutName(call.id)} is already running.`,
      });
      return undefined;
    }
    if (this.#calls.full()) {
      this.#host.end(waitingCallsError(this.#host.options.maxBufferedBytes));
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
    let outcome: LiveCallOutcome = { type: 'aborted' };
    let slot = false;
    try {
      // At most toolConcurrency tools at once, as in a run's turn: a server sending thousands
      // of calls queues them instead of starting them all.
      slot = await this.#calls.acquire(controller.signal);
      if (slot) {
        // The tool's time limit starts with the tool (live-tool-call.ts executeLiveTool).
        outcome = await runLiveToolCall(
          {
            agent: this.#host.agent,
            functions: this.#host.functions,
            plugins: this.#host.plugins(),
            depth: this.#host.depth,
            guardrails: this.#host.guardrails,
            guardrailOptions: (signal) => this.#host.guardrailOptions(signal),
            redact: (text) => this.#host.redact(text),
          },
          call,
          controller.signal,
        );
      }
    } finally {
      if (slot) this.#calls.release();
      this.#running.delete(call.id);
    }
    if (running.cancelled || this.#host.ended() || outcome.type === 'aborted') {
      // Cancelled by the server (nothing is sent), or the session is over. Any other abort (a
      // plugin's wrap that answered `aborted`) is answered as a failure: the model waits on it.
      if (running.cancelled || this.#host.ended()) return undefined;
      outcome = {
        type: 'failed',
        outcome: 'error',
        message: `${call.name} was not completed.`,
      };
    }
    // The arguments an approval's modify ran the call with, redacted as its output is.
    const modifiedArgs =
      outcome.type === 'value' || outcome.type === 'failed' ? outcome.modifiedArgs : undefined;
    const modified =
      modifiedArgs === undefined
        ? {}
        : { modifiedArgs: this.#host.redact(modifiedArgs) as Record<string, unknown> };
    if (outcome.type === 'value') {
      const answer = answerWithResult(
        { id: call.wireId, name: call.name },
        this.#host.redact(outcome.sent),
        true,
      );
      if ('invalid' in answer) {
        // A result that cannot be JSON (a cycle, a `toJSON` that throws) is the tool's failure,
        // worded and rewritten as a throw, as in a run (settle-tool-call.ts): it threw out of
        // this answer, unhandled (a process's end under Node's default), the call never answered.
        outcome = {
          type: 'failed',
          outcome: 'error',
          message: liveToolErrorMessage(this.#host.guardrails?.composed, call, answer.invalid, {
            agent: this.#host.agent,
            plugins: this.#host.plugins(),
            redact: (text) => this.#host.redact(text),
          }),
          cause: answer.invalid,
        };
      } else {
        this.#host.emit({
          type: 'tool-result',
          toolCallId: call.id,
          toolName: call.name,
          output: this.#host.redact(outcome.output),
          scheduling,
          ...modified,
        });
        // The event keeps what the tool returned; the model gets it capped, as a run's does.
        return this.#outputLimit === undefined
          ? answer.response
          : cutFunctionResponse(answer.response, this.#outputLimit, restNotKept);
      }
    }
    const message = this.#host.redact(outcome.message);
    this.#host.emit({
      type: 'tool-error',
      toolCallId: call.id,
      toolName: call.name,
      // A trip is `guardrail-tripped`, as a run's tool-error event, result and span say it.
      outcome:
        outcome.type === 'failed'
          ? outcome.outcome
          : outcome.type === 'guardrail-tripped'
            ? 'guardrail-tripped'
            : 'error',
      message,
      ...modified,
    });
    const response = toolErrorResponse({
      name: call.name,
      id: call.wireId,
      error: message,
      issues: outcome.type === 'failed' ? this.#host.redact(outcome.issues) : undefined,
    });
    if (outcome.type === 'failed' && this.#host.agent.toolErrors === 'throw') {
      // As in a run: the call is answered, then the session ends with the typed error.
      this.#failure ??= liveToolErrorThrown(call, outcome, {
        // A thrown error is logged and serialised: secret arguments out, as a run's error has them.
        args: this.#host.redact(
          createArgumentRedactor(this.#host.functions.values())?.args(call.name, call.args) ??
            call.args,
        ),
        message,
        availableTools: [...this.#host.functions.keys()],
      });
    }
    if (outcome.type === 'guardrail-tripped') {
      // As in a run: the call is answered, then the session ends with the trip (see #afterAnswer).
      const { trip } = outcome;
      const usage = emptyUsage();
      this.#failure ??= new GuardrailTrippedError({
        guardrailName: trip.name,
        phase: trip.phase,
        reason: this.#host.redact(trip.reason),
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
            cause: this.#host.redact(error),
            message: this.#host.redact(
              // The id is the server's: cut as a run's messages quote one (a 2 MB id was this
              // message's 2 MB). The name is a declared tool's.
              `beforeToolCall threw for ${call.name} (${cutName(call.id)}): ${describeThrown(error)}`,
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
    if (this.#host.ended()) return;
    if (this.#failure !== undefined) {
      this.#host.end(this.#failure);
      return;
    }
    const stop = this.#host.plugins()?.stop;
    if (stop === undefined) return;
    this.#host.emit({ type: 'finish', stoppedBy: { plugin: stop.plugin, reason: stop.reason } });
    void this.#host.close();
  }
}
