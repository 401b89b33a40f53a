import type { VerifyWebhookOptions, WebhookEvent } from '@gemloop/core/interactions';
import type { SteeringMessage } from '@gemloop/core/steering';
import type { ApprovalDecision } from '../approvals/approval-decision.ts';
import type { PendingApproval } from '../approvals/approvals.ts';
import type { DurableSendOptions, DurableSteerOptions } from '../steering/durable-steering.ts';
import type {
  DurableRunEvent,
  DurableRunInput,
  DurableRunResult,
  DurableRunStatus,
  DurableRunStatusName,
  RunAccessOptions,
} from './durable-run-types.ts';

/** Options of {@link DurableRuns.start}. */
export type StartRunOptions = DurableRunInput & {
  /**
   * The run's id, and its idempotency key: starting an id that exists starts nothing and returns
   * the existing run (its own input stays). At most 1024 UTF-8 bytes, without NUL characters
   * (every method of {@link DurableRuns} refuses another with an `InvalidArgumentError`).
   * @defaultValue a random UUID
   */
  runId?: string | undefined;
};

/**
 * Drives durable runs from any process (an HTTP server, a CLI, a worker): start, await, watch,
 * approve, cancel and list. It talks to Postgres only (a DBOS client); the workers run the runs.
 */
export type DurableRuns = {
  /**
   * Enqueues a run of the agent named `agent`; a worker picks it up. Its input is stored as JSON:
   * an input that is not what `agent.run()` takes (a string or a non-empty list), or that JSON
   * cannot write (a getter that throws, a BigInt, a cycle), is refused with an
   * `InvalidArgumentError` naming the field, nothing enqueued.
   */
  start(agent: string, options: StartRunOptions): Promise<{ runId: string }>;
  /**
   * Waits for the run's result.
   * @throws {@link DurableRunError} when the run failed, was cancelled, or does not exist. Its
   *   `cause` is the run's own error as its class; an `AgentRunError` there has `run` with the
   *   run's steps, usage and cost (read from its events), its `contents` empty.
   * @throws the signal's reason once `signal` aborts: the wait ends (the run goes on). A request
   *   that waits for a run paused for a decision waits for days; pass the request's signal, or a
   *   client gone leaves the wait polling for nobody.
   */
  result(runId: string, options?: { signal?: AbortSignal | undefined }): Promise<DurableRunResult>;
  /** The run's status (with its `owner`), or `undefined` for an unknown id. */
  status(runId: string): Promise<DurableRunStatus | undefined>;
  /**
   * Whose run `runId` is: the `owner` its tree's top run was started with (a subagent's run is
   * its top run's), or `undefined` for a run without one or an unknown id. For the doors that
   * meet a run by the id of one of its calls, such as the MCP elicitation broker of a worker
   * (`createMcpElicitationBroker({ ownerOfRun: (runId) => runs.ownerOf(runId) })`).
   */
  ownerOf(runId: string): Promise<string | undefined>;
  /**
   * The run's events, the same types as `agent.stream()`, from `offset` (an event index), until
   * the run ends. Reconnecting with `offset: last.offset + 1` misses and repeats nothing.
   * @throws {@link InvalidArgumentError} (argument `offset`), from the first read, for an offset
   * that is not a whole number >= 0.
   * @throws {@link DurableRunError} (status `NOT_FOUND`), from the first read, when no run has
   * the id, as `result()`.
   * @throws `RunAccessDeniedError`, from the first read, when `owner` is given and the run is not
   * that owner's (or does not exist).
   */
  events(
    runId: string,
    options?: {
      offset?: number | undefined;
      /**
       * Ends the events when it aborts (a page's request gone): between two events the read
       * waits and polls for as long as the run goes on, days for a run waiting for a decision,
       * and a `break` or `return()` reaches it only at the next event. Pass the request's signal.
       */
      signal?: AbortSignal | undefined;
    } & RunAccessOptions,
  ): AsyncIterable<DurableRunEvent>;
  /**
   * The calls of the run that wait for approval (none once the run is over).
   * @throws `RunAccessDeniedError` when `owner` is given and the run is not that owner's.
   */
  pendingApprovals(runId: string, options?: RunAccessOptions): Promise<PendingApproval[]>;
  /**
   * Answers a call that waits for approval; any worker resumes the run. `callId` is the
   * pending call's `approvalId` (from `pendingApprovals()`), or its `toolCallId` when no other
   * waiting call of the run has that id. A decision answers that one call: another call with the
   * same model id (in the same turn or a later step) waits for its own.
   * @throws {@link ApprovalNotPendingError} when that call does not wait (any more); `state:
   * 'timed-out'` once its `approvalTimeoutMs` has passed by the database's clock, even while no
   * worker has denied it yet (the fleet down, the sweep not run).
   * @throws {@link InvalidArgumentError} when the decision is malformed or holds text Postgres
   * cannot store (a NUL, a lone surrogate), or `callId` is empty, holds a NUL, or is a
   * `toolCallId` that several waiting calls share.
   * @throws `RunAccessDeniedError` when `owner` is given and the run is not that owner's (or
   * does not exist); nothing is recorded.
   */
  approve(
    runId: string,
    callId: string,
    decision: ApprovalDecision,
    options?: RunAccessOptions,
  ): Promise<void>;
  /**
   * Steers the running run from any process: the message goes to the run's workflow as a DBOS
   * message (`DBOS.send`), which the run reads at its next step boundary and applies once, even
   * when a worker is killed and another takes the run over (see `@gemloop/core/steering`).
   * @throws {@link InvalidArgumentError} for an empty message or one over 256 KB of JSON.
   * @throws {@link DurableRunError} when the run does not exist or is over (`status` says which).
   * @throws `RunAccessDeniedError` when `owner` is given and the run is not that owner's.
   */
  steer(
    runId: string,
    message: SteeringMessage,
    options?: DurableSteerOptions & RunAccessOptions,
  ): Promise<void>;
  /**
   * Sends `value` to the running run's plugins on `topic`, from any process: a DBOS message
   * (`DBOS.send`) that a plugin takes with `run.receive(topic)` at a step boundary (see
   * `PluginRun.receive` in `@gemloop/core/plugins`), once, even when a worker is killed and
   * another takes the run over. A message nobody receives stays with the run. `runs.steer` is
   * this on steering's own topic.
   * @throws `RunMessageError` (`@gemloop/core/plugins`) for a topic that is not 1 to 100
   *   letters, digits, `.`, `_` or `-` (or is gemloop's own, `gemloop.…`), or a value that is not
   *   plain JSON data or is over 256 KB of it; nothing is sent.
   * @throws {@link DurableRunError} when the run does not exist or is over (`status` says which).
   * @throws `RunAccessDeniedError` when `owner` is given and the run is not that owner's.
   */
  send(
    runId: string,
    topic: string,
    value: unknown,
    options?: DurableSendOptions & RunAccessOptions,
  ): Promise<void>;
  /**
   * Cancels the run: it stops at its next checkpoint and its status becomes `CANCELLED`.
   * @throws `RunAccessDeniedError` when `owner` is given and the run is not that owner's (or
   * does not exist); nothing is cancelled.
   */
  cancel(runId: string, options?: RunAccessOptions): Promise<void>;
  /**
   * Runs, newest first, optionally of some statuses, and only `owner`'s when it is given (the
   * runs started with that `owner`, matched in the database's query: another owner's runs take
   * no place of a `limit`). Without `owner`, every run (the server's own view). "Newest" is
   * DBOS's `created_at`, in milliseconds: runs started within one millisecond come in no set
   * order.
   * @throws {@link InvalidArgumentError} for an `owner` that is not a non-empty string of at most
   *   1024 characters.
   */
  list(options?: {
    status?: DurableRunStatusName | readonly DurableRunStatusName[] | undefined;
    limit?: number | undefined;
    owner?: string | undefined;
  }): Promise<DurableRunStatus[]>;
  /**
   * The runs of the subagents below a run (each a child workflow, `<runId>/<step>.<index>:<callId>`,
   * and theirs below them), in start order, with their `parentRunId` and `path`; at most `limit`
   * (default 100).
   */
  childRuns(runId: string, options?: { limit?: number | undefined }): Promise<DurableRunStatus[]>;
  /**
   * Wakes the runs waiting on background interaction `interactionId` (an agent with
   * `interactionsApi({ background: { wakeOnWebhook: true } })`): each polls it at once instead of
   * at the end of its pause. Call it from the handler of Google's `interaction.completed` webhook,
   * or use {@link DurableRuns.handleWebhook}, which verifies the delivery first. A wake-up for an
   * interaction no run waits on yet is kept (8 days) for the run that comes to wait on it: a
   * webhook can arrive before the run's first wait.
   * @throws {@link InvalidArgumentError} when `interactionId` is not an interaction id.
   */
  wakeInteraction(interactionId: string): Promise<{ runIds: string[] }>;
  /**
   * Verifies a Gemini API webhook delivery (`verifyWebhook` of `@gemloop/core/interactions`:
   * Standard Webhooks signatures) and, for an `interaction.*` event, wakes the runs waiting on its
   * interaction (`data.id`). Answer the request 2xx when it returns.
   * @throws `WebhookSignatureError` when the delivery does not verify: answer 401, act on nothing.
   */
  handleWebhook(
    delivery: VerifyWebhookOptions,
  ): Promise<{ webhookId: string; event: WebhookEvent; runIds: string[] }>;
  /** Closes the Postgres connections. */
  close(): Promise<void>;
};
