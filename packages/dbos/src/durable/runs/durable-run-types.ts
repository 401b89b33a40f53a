import type { AgentInput, AgentOptions, AgentResult, Content } from '@gemloop/core';
import type { RunOptions } from '@gemloop/core/agent';
import type { TreeBudgetOptions } from '@gemloop/core/composition';
import type { HistoryTurn } from '@gemloop/core/history';
import type { HistoryReference } from '../../chat/history-reference.ts';
import type { NeedsApproval } from '../approvals/approvals.ts';

/** What starts a durable run: the same input and history as `agent.run()`. */
export type DurableRunInput = {
  input: AgentInput;
  /**
   * The conversation so far, continued by `input`: contents, or turns that say which model wrote
   * them (`RunOptions.history` of `@gemloop/core`). Stored as JSON with the run. Or, written by
   * `sendDurableChatTurn({ historyByReference: true })` only, a reference to the first turns of a
   * session of the chat store in the fleet's database (`{ from: { table, sessionId, turns,
   * digest } }`), which the worker and `runs.result()` read from that table.
   */
  history?: readonly Content[] | readonly HistoryTurn[] | HistoryReference | undefined;
  /**
   * A budget for the run and its subagents (`RunOptions.budget` of `@gemloop/core`), stored as
   * JSON with the run (give finite numbers). The spent total survives a worker's crash: the
   * takeover replays the recorded model steps, which count their recorded cost again before the
   * next call is checked. A subagent's child workflow starts with what the tree had spent (kept
   * in its input), stops with `TreeBudgetError` past it as in-process, and returns what it spent,
   * which joins the tree's total, failed or not. The `n` subagent calls of one turn run at once
   * and cannot see each other's spending (in-process they share one live total), so each child
   * workflow may spend `1/n` of what the tree had left when the turn's calls started (rounded
   * down; its `TreeBudgetError` names that share as its budget): together they stay within it.
   */
  budget?: TreeBudgetOptions | undefined;
  /**
   * The run's generation settings over its agent's (`RunOptions.generationConfig` of
   * `@gemloop/core`), stored as JSON with the run (plain data: numbers, strings, lists), so a
   * takeover after a crash sends the same. Checked by the worker's agent when the run starts, as
   * `agent.run()` checks it: a refused field fails the run with its `InvalidArgumentError`. A
   * subagent's child workflow uses its own agent's settings, as in-process.
   */
  generationConfig?: RunOptions['generationConfig'];
  /**
   * Who the run belongs to (`RunOwner` of `@gemloop/core/web`: your caller's user or tenant id),
   * stored with the run. The runs API's methods that take `{ owner }` refuse every other owner
   * with `RunAccessDeniedError`, as they refuse an unknown id.
   */
  owner?: string | undefined;
  /**
   * The agent that holds the conversation (a chat turn after a handoff gave it to another agent:
   * the name `result.handoffs` ends with): the run starts with the worker's copy of that agent
   * (found through the handoff tools of the agent named in `start`, or registered as
   * `handoffAgents`) instead of the named agent, whose run it stays. A name the worker does not
   * know fails the run with `UnknownHandoffAgentError`. `sendDurableChatTurn` passes it.
   */
  holder?: string | undefined;
  /**
   * How many contents at the start of `history` (turns flattened) an earlier run of the fleet found
   * without its keys, and the fingerprint of those keys, as `sendDurableChatTurn` reads them from
   * its stored turns' marks: the run's `run-end` (whose result holds the whole thread) is scanned
   * for keys past them, so a chat turn scans its own contents, not the thread again. Trusted only
   * by a worker kept from the same keys, and only for the very contents the run still holds at its
   * end. Give it only as an earlier result marked it (a turn that held a key is never marked):
   * a wrong count lets a key in those contents reach the run's event readers (`runs.events()`).
   */
  keylessHistory?: { contents: number; keys: string } | undefined;
};

/**
 * The caller a method of the runs API acts for. Give it on every call made for a user (a page's
 * route): the run must have been started with the same `owner`, else the call is refused with
 * `RunAccessDeniedError` (`@gemloop/core/errors`), the same refusal as for an unknown run id, so
 * a leaked run id reads, approves, steers and cancels nothing. Left out, the call acts for the
 * server itself and reaches every run.
 */
export type RunAccessOptions = {
  owner?: string | undefined;
};

/**
 * A run's result as stored: the `AgentResult` as JSON (errors of tool calls as
 * `{ name, message }`), the same in every process that reads it.
 */
// biome-ignore lint/suspicious/noExplicitAny: a stored result of any agent.
export type DurableRunResult<Output = any> = AgentResult<Output>;

/**
 * An agent a durable worker runs: `createAgent` options (the `gemini` client, `model`, `tools`,
 * ...), plus which calls wait for a person's approval. Every worker of a fleet defines the same
 * agents under the same names.
 */
// biome-ignore lint/suspicious/noExplicitAny: an agent of any output type.
export type DurableAgentDefinition = AgentOptions<any> & {
  /** Calls that pause the run until `approve(runId, toolCallId, decision)`. */
  needsApproval?: NeedsApproval | undefined;
};

/** Statuses of a run, as DBOS keeps them. */
export type DurableRunStatusName =
  | 'ENQUEUED'
  | 'PENDING'
  | 'SUCCESS'
  | 'ERROR'
  | 'CANCELLED'
  | 'MAX_RECOVERY_ATTEMPTS_EXCEEDED'
  | 'DELAYED';

/** One run, as `list()` and `status()` report it. */
export type DurableRunStatus = {
  runId: string;
  status: DurableRunStatusName;
  /**
   * The run waits for a decision on a call (`approve()`). A paused run holds no worker and no
   * queue slot; its status is `PENDING` (DBOS's own status of its workflow is `CANCELLED` until
   * a decision re-enqueues it).
   */
  awaitingApproval: boolean;
  agent: string | undefined;
  /** The worker (DBOS executor id) that runs or ran it. */
  executorId: string | undefined;
  createdAt: number;
  updatedAt: number | undefined;
  /** When a worker dequeued it (the last time, after a takeover). */
  dequeuedAt: number | undefined;
  /** When it ended. */
  completedAt: number | undefined;
  /**
   * For a subagent's run (a child workflow, from `childRuns()`): the run whose call started it.
   */
  parentRunId?: string | undefined;
  /** For a subagent's run: its place in the tree, as its events carry it (`['research#1']`). */
  path?: readonly string[] | undefined;
  /** Who the run belongs to, when it was started with an `owner`. */
  owner?: string | undefined;
  /**
   * The application version the run was started with (DBOS's `applicationVersion`: the
   * worker's `applicationVersion` option, else a hash DBOS makes of gemloop's workflow code). A
   * worker dequeues and recovers only runs of its own version
   * (https://docs.dbos.dev/typescript/tutorials/upgrading-workflows.md, "Versioning"): a run
   * `ENQUEUED` or `PENDING` whose version no live worker has waits for a worker of that version
   * (start one, fork the run to the new version, or cancel it). Absent when DBOS recorded none.
   */
  applicationVersion?: string | undefined;
};

/** One event of a run's stream, with its index (pass `offset: index + 1` to reconnect after it). */
export type DurableRunEvent = {
  offset: number;
  // biome-ignore lint/suspicious/noExplicitAny: events of any agent.
  event: import('@gemloop/core').AgentEvent<any>;
};

/** DBOS names of gemloop's workflows and queues. @internal */
export const RUN_WORKFLOW = 'gemloop.run';
/** DBOS name of the workflow a subagent's run inside a durable run is (a child workflow). @internal */
export const CHILD_WORKFLOW = 'gemloop.child';
/**
 * The `workflow_id_prefix` that lists the subagent runs below `runId` (`<runId>/...`). DBOS
 * matches it with LIKE (`workflow_uuid LIKE $prefix || '%'`, `dist/src/system_database.js`
 * `listWorkflows`, 5.3) without escaping: a run id's `_` and `%` matched other runs' children
 * (`run_1` listed, and `cancel()` marked cancelled, those of `runX1`), and its `\` made its own
 * children unfindable. Escaped here with LIKE's default escape character, the backslash.
 * @internal
 */
export function childRunsPrefix(runId: string): string {
  return `${runId.replace(/[\\%_]/g, '\\$&')}/`;
}
/** @internal */
export const RUNS_QUEUE = 'gemloop.runs';
/** @defaultValue application name of a fleet in the DBOS system database. */
export const DEFAULT_APP_NAME = 'gemloop';
