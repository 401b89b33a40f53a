import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '@gemloop/core';
import type { ChatTurn } from '@gemloop/core/chat';
import { historyOfStoredTurns } from '@gemloop/core/internal';
import { checkId } from '../postgres/check-id.ts';
import { isTableName } from '../postgres/store-connection.ts';

/**
 * A durable chat turn's history by reference (`sendDurableChatTurn({ historyByReference: true })`):
 * the first `turns` turns of a session of the chat store's `table`, read from the fleet's database
 * by the worker and by `runs.result()`, instead of the thread itself in the run's input (which
 * made a conversation of n turns write O(n²) bytes to DBOS's `workflow_input`). It travels as the
 * run's `history`, not beside it: a worker of an earlier version hands it to the agent, which
 * refuses a history that is not a list (`InvalidArgumentError`), so the run fails loudly instead
 * of answering without the thread. @internal
 */
export type HistoryReference = {
  from: {
    /** The chat store's table (`createPostgresHistoryStore`'s `table`). */
    table: string;
    sessionId: string;
    /** How many of the session's turns, from its first. */
    turns: number;
    /** {@link historyDigest} of the history those turns give. */
    digest: string;
    /** The model the history was built for (it decides its shape: `historyOfStoredTurns`). */
    model?: string;
  };
};

/** Longest model name a reference carries (a model id is far shorter). */
const MAX_MODEL_LENGTH = 200;
const DIGEST = /^[0-9a-f]{64}$/;
/**
 * Most turns a reference may name: the store's `turn_index` is a Postgres `integer`, so a session
 * holds no more, and a larger count sent as the read's bound failed the run with Postgres's own
 * "value out of range for type integer" instead of a refusal naming `history` (attack57b).
 */
const MAX_TURNS = 2_147_483_647;

/**
 * The SHA-256 (hex) of a history's JSON: built by this one function on both sides, the caller's
 * (from the turns it loaded) and the worker's (from the turns it reads), over the same rows read
 * by the same decoding (`toTurn`): the same key order, so no separate canonical form.
 * @internal
 */
export function historyDigest(history: unknown): string {
  return createHash('sha256').update(JSON.stringify(history)).digest('hex');
}

/**
 * The reference to the first `turns.length` turns of `sessionId` in `table`, and the history it
 * stands for (what a run with them inline would get). @internal
 */
export function historyReferenceOf(
  table: string,
  sessionId: string,
  turns: readonly ChatTurn[],
  model: string | undefined,
): HistoryReference {
  const { history } = historyOfStoredTurns(turns, model);
  return {
    from: {
      table,
      sessionId,
      turns: turns.length,
      digest: historyDigest(history),
      ...(model === undefined ? {} : { model }),
    },
  };
}

/**
 * Refuses a `history` that is neither a list nor a {@link HistoryReference} (`runs.start` before
 * the run is enqueued; the worker again, for an input written by something else): the worker reads
 * the table the reference names, so its name is checked as the store checks it.
 * @internal
 */
export function checkHistoryReference(value: unknown): asserts value is HistoryReference {
  if (!isHistoryReference(value)) {
    throw new InvalidArgumentError({
      argument: 'history',
      message:
        'history must be a list of contents (or turns), or { from: { table, sessionId, turns, digest, model? } } as sendDurableChatTurn({ historyByReference: true }) writes it: a plain table name, a session id, a whole number of turns from 1 to 2147483647, a SHA-256 hex digest.',
    });
  }
  checkId(value.from.sessionId, 'history', 'chat session id');
}

/**
 * Whether `value` has a {@link HistoryReference}'s shape (its session id is checked by
 * {@link checkHistoryReference}): the readers pass anything else on as a history, whose rebuild
 * then fails typed as any other unreadable input does. @internal
 */
export function isHistoryReference(value: unknown): value is HistoryReference {
  const from = (
    typeof value === 'object' && value !== null ? (value as { from?: unknown }).from : undefined
  ) as Partial<HistoryReference['from']> | undefined;
  const keys = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  return (
    keys.length === 1 &&
    typeof from === 'object' &&
    from !== null &&
    isTableName(from.table) &&
    typeof from.sessionId === 'string' &&
    Number.isSafeInteger(from.turns) &&
    (from.turns as number) > 0 &&
    (from.turns as number) <= MAX_TURNS &&
    typeof from.digest === 'string' &&
    DIGEST.test(from.digest) &&
    (from.model === undefined ||
      (typeof from.model === 'string' &&
        from.model !== '' &&
        from.model.length <= MAX_MODEL_LENGTH))
  );
}
