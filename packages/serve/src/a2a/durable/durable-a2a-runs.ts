import type { AgentEvent, AgentInput, AgentResult } from '@gemloop/core';
import type { ChatTurn, HistoryStore } from '@gemloop/core/chat';
import type { HistoryTurn } from '@gemloop/core/history';
import type { Content } from '@gemloop/core/wire';

/**
 * What the A2A door needs of `@gemloop/dbos`'s durable runs (`createDurableRuns()`'s
 * `DurableRuns` has all of it). Declared here, by shape: `@gemloop/serve` sits on core alone and
 * never imports `@gemloop/dbos`; the caller hands its runs in.
 */
export type A2ADurableRuns = {
  /**
   * Starts the run `runId` (once per id) for `owner`. An input over the runs' bound throws
   * `@gemloop/dbos`'s DurableRunInputTooLargeError (code `durable-run-input-too-large`, with
   * `bytes` and `limit`): the client's message is refused as invalid params, no task saved.
   */
  start(
    agent: string,
    options: {
      runId: string;
      input: AgentInput;
      owner?: string | undefined;
      /**
       * The context's earlier turns (with `durable.history` only), or, with
       * `durable.historyByReference`, the store's reference to them.
       */
      history?: Content[] | HistoryTurn[] | A2AHistoryReference | undefined;
      /** The agent holding the context's conversation after a hand-off (with `durable.history`). */
      holder?: string | undefined;
    },
  ): Promise<{ runId: string }>;
  /**
   * The run's events from `offset` until it ends (or `signal` aborts: a cancelled task's read
   * stops waiting for the next event), refused for another `owner`.
   */
  events(
    runId: string,
    options?: {
      offset?: number | undefined;
      owner?: string | undefined;
      signal?: AbortSignal | undefined;
    },
  ): AsyncIterable<{ offset: number; event: AgentEvent }>;
  /** The run's status, or `undefined` for an unknown id. */
  status(runId: string): Promise<{ status: string; owner?: string | undefined } | undefined>;
  /**
   * The run's result; throws when it failed or was cancelled. With `durable.history`, the door
   * stores the turn from its `newContents` (the user's message first), `steps`, `usage`, `cost`
   * and `handoffs`, as `@gemloop/dbos`'s `DurableRunResult` has them.
   */
  result(
    runId: string,
  ): Promise<
    { text: string } & Partial<
      Pick<AgentResult<unknown>, 'newContents' | 'steps' | 'usage' | 'cost' | 'handoffs'>
    >
  >;
  /** Cancels the run, refused for another `owner`. */
  cancel(runId: string, options?: { owner?: string | undefined }): Promise<void>;
  /**
   * The calls of the run that wait for approval (the workers' `needsApproval`), refused for
   * another `owner`. With `approve`, a task whose run waits goes `input-required`.
   */
  pendingApprovals?(
    runId: string,
    options?: { owner?: string | undefined },
  ): Promise<readonly A2ADurablePendingApproval[]>;
  /** Answers a waiting call by its `approvalId`; any worker resumes the run. */
  approve?(
    runId: string,
    callId: string,
    decision: { type: 'approve' } | { type: 'reject'; reason: string },
    options?: { owner?: string | undefined },
  ): Promise<void>;
};

/**
 * A context's earlier turns named instead of sent: `@gemloop/dbos`'s `HistoryReference`, declared
 * here by its shape (serve never imports dbos). The door only passes it from the store's
 * `historyReference` to the runs' `start`; dbos makes, checks and reads it.
 */
export type A2AHistoryReference = {
  from: { table: string; sessionId: string; turns: number; digest: string; model?: string };
};

/**
 * A `durable.history` store that names a session's turns by reference (`createPostgresHistoryStore`
 * of `@gemloop/dbos` is one): what `durable.historyByReference` needs.
 */
export type A2AReferringHistoryStore = HistoryStore & {
  historyReference(
    id: string,
    turns: readonly ChatTurn[],
    model: string | undefined,
  ): A2AHistoryReference;
};

/** A call of a durable run that waits for approval, as the door reads it. */
export type A2ADurablePendingApproval = {
  approvalId: string;
  toolCallId: string;
  toolName: string;
  stepNumber: number;
  /** The subagent that made the call (its path), absent for the run's own calls. */
  path?: readonly string[] | undefined;
};

/** `durable` of {@link A2AHandlerOptions}: each task a durable run of `agent` on `runs`. */
export type A2ADurableOptions = {
  /** The fleet's runs (`createDurableRuns()` of `@gemloop/dbos`). */
  runs: A2ADurableRuns;
  /** The name of the agent each task runs, as the workers define it. */
  agent: string;
  /**
   * Where a context's conversation is kept: a task of a context starts its durable run with the
   * context's earlier turns as history (and the agent holding it after a hand-off), and a task
   * that completes appends its turn (its message and the run's new contents), as a chat session
   * does. Keyed by tenant, caller and `contextId`: another caller's context of the same id is
   * another conversation. In a fleet, give every door the same store (`createPostgresHistoryStore`
   * of `@gemloop/dbos`), so any door continues any context. A task that completes after another
   * task of its context saved a turn since it started fails (`context_conflict`): its answer is
   * not saved, so the conversation never forks. Without it, each task is a run on its own.
   */
  history?: HistoryStore | undefined;
  /**
   * The agent's model, stored with each turn (a context whose turns another model wrote sends them
   * without their thought signatures), as `sendDurableChatTurn`'s `model`. Read with `history` only.
   */
  model?: string | undefined;
  /**
   * Sends a task's context by reference instead of in its run's input, as `sendDurableChatTurn`'s
   * option of the same name does for a chat turn: the run's input names the store's table, the
   * context's key, how many turns and their SHA-256 digest (a few hundred bytes), and the worker
   * reads those turns from the table. Without it each task's input holds the context's whole
   * conversation, so a context of n tasks writes O(n²) bytes to DBOS's `workflow_input`.
   *
   * An option, not the default, for the same reasons as the chat turn's: it needs `history` to be
   * a store in the fleet's database that can name its turns (`createPostgresHistoryStore` of
   * `@gemloop/dbos` on the workers' `databaseUrl`; another store is refused when the handler is
   * made), and workers of the version that reads references (an earlier worker refuses such a
   * run, never answers without the context). And it has a price: a task's run then depends on its
   * context's stored turns. A context cleared or rewritten in the store while a task of it works,
   * waits for approval or is taken over after a crash (or before a door saved its completed turn)
   * fails that task (`failed`, code `durable-chat-history`, fixed words: send the message again)
   * rather than run it on, or save it to, another conversation. Turns other tasks append after it
   * started change nothing (a `context_conflict` is still told as before).
   * @defaultValue `false`: the conversation in each task's input
   */
  historyByReference?: boolean | undefined;
};
