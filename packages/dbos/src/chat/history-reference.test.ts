import { createAgent, createGemini, InvalidArgumentError } from '@gemloop/core';
import type { ChatTurn } from '@gemloop/core/chat';
import { createFakeGemini, turn } from '@gemloop/testing';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { RunsBackend } from '../durable/runs/runs-backend.ts';
import { startRun } from '../durable/runs/start-run.ts';
import { DurableChatHistoryError } from '../errors/durable-chat-history-error.ts';
import { typedStoredError } from '../errors/typed-stored-error.ts';
import { checkHistoryReference, historyDigest, historyReferenceOf } from './history-reference.ts';
import { resolveHistoryReference } from './resolve-history-reference.ts';

const TURNS: ChatTurn[] = [
  {
    contents: [
      { role: 'user', parts: [{ text: 'Where is order 7?' }] },
      { role: 'model', parts: [{ text: 'It shipped on Monday.' }] },
    ],
    model: 'gemini-3-flash-preview',
  },
  {
    contents: [
      { role: 'user', parts: [{ text: 'And order 8?' }] },
      { role: 'model', parts: [{ text: 'Tomorrow.' }] },
    ],
    model: 'gemini-3-flash-preview',
  },
];

/** A pool whose one query returns the rows a store's table would hold for `turns`. */
function poolOf(turns: readonly ChatTurn[] | 'no table'): pg.Pool {
  return {
    query: async (_sql: string, [, count]: [string, number]) => {
      if (turns === 'no table')
        throw Object.assign(new Error('relation does not exist'), { code: '42P01' });
      const rows = turns.slice(0, count).map((stored, index) => ({
        turn_index: index,
        turn: stored,
        turn_text: null,
        cost: null,
        interaction_id: null,
      }));
      return { rows };
    },
  } as unknown as pg.Pool;
}

describe('historyReferenceOf and historyDigest', () => {
  it('names the table, session, turns and the digest of the history the turns give, with the model', () => {
    const reference = historyReferenceOf('chat.turns', 'user-42', TURNS, 'gemini-3-flash-preview');
    expect(reference).toEqual({
      from: {
        table: 'chat.turns',
        sessionId: 'user-42',
        turns: 2,
        digest: historyDigest(TURNS.flatMap((stored) => stored.contents)),
        model: 'gemini-3-flash-preview',
      },
    });
    expect(reference.from.digest).toMatch(/^[0-9a-f]{64}$/);
    // One character of one turn changes it.
    const edited = structuredClone(TURNS);
    (edited[1]?.contents[1]?.parts[0] as { text: string }).text = 'Tomorrow!';
    expect(historyReferenceOf('chat.turns', 'user-42', edited, undefined).from.digest).not.toBe(
      reference.from.digest,
    );
  });
});

describe('checkHistoryReference', () => {
  const valid = historyReferenceOf('gemloop_chat_turns', 's', TURNS, undefined);
  it.each([
    [
      'a table name that is not an identifier',
      { from: { ...valid.from, table: 'x"; DROP TABLE y; --' } },
    ],
    ['no turns', { from: { ...valid.from, turns: 0 } }],
    ['a fractional count', { from: { ...valid.from, turns: 1.5 } }],
    // Past the store's integer `turn_index`: Postgres refused the bound untyped (attack57b).
    ['more turns than a session can hold', { from: { ...valid.from, turns: 2 ** 31 } }],
    ['a count of 1e15', { from: { ...valid.from, turns: 1e15 } }],
    ['a digest that is not SHA-256 hex', { from: { ...valid.from, digest: 'abc' } }],
    ['a key beside from', { ...valid, contents: [] }],
    ['an empty model', { from: { ...valid.from, model: '' } }],
    ['a session id with a NUL', { from: { ...valid.from, sessionId: 'a\0b' } }],
    ['a string', 'history'],
  ])('refuses %s with an InvalidArgumentError naming history', (_what, value) => {
    let error: unknown;
    try {
      checkHistoryReference(value);
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('history');
  });

  it('takes what sendDurableChatTurn writes', () => {
    expect(() => checkHistoryReference(valid)).not.toThrow();
    expect(() =>
      checkHistoryReference({ from: { ...valid.from, turns: 2 ** 31 - 1 } }),
    ).not.toThrow();
  });

  it('is what runs.start() checks before anything is enqueued (a list goes as before)', async () => {
    const enqueued: unknown[] = [];
    const backend = {
      enqueue: async (_agent: string, _runId: string, input: unknown) => {
        enqueued.push(input);
      },
    } as unknown as RunsBackend;
    const refused = await startRun(backend, 'support', {
      input: 'hi',
      history: { from: { ...valid.from, table: 'a-b' } } as never,
    }).catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(refused)).toBe(true);
    expect(enqueued).toEqual([]);
    await startRun(backend, 'support', { runId: 'r1', input: 'hi', history: valid });
    expect(enqueued).toEqual([{ input: 'hi', history: valid }]);
  });
});

describe('resolveHistoryReference', () => {
  const reference = historyReferenceOf('gemloop_chat_turns', 'user-42', TURNS, undefined);

  it('gives the history the turns give when they are the ones it was made from; later turns are not read', async () => {
    const later = [...TURNS, { contents: [{ role: 'user' as const, parts: [{ text: 'More' }] }] }];
    expect(await resolveHistoryReference(poolOf(later), reference, 'r')).toEqual(
      TURNS.flatMap((stored) => stored.contents),
    );
  });

  it('fails typed on a cleared session, a rewritten one, and a table the database does not hold', async () => {
    const failures = await Promise.all(
      [
        poolOf(TURNS.slice(0, 1)),
        poolOf([TURNS[1] as ChatTurn, TURNS[0] as ChatTurn]),
        poolOf('no table'),
      ].map((pool) =>
        resolveHistoryReference(pool, reference, 'user-42:turn-2').catch(
          (caught: unknown) => caught,
        ),
      ),
    );
    const [cleared, rewritten, missing] = failures as DurableChatHistoryError[];
    for (const error of failures) expect(DurableChatHistoryError.isInstance(error)).toBe(true);
    expect(cleared).toMatchObject({
      sessionId: 'user-42',
      expectedTurns: 2,
      foundTurns: 1,
      changed: false,
    });
    expect(cleared?.message).toContain('"user-42:turn-2"');
    expect(cleared?.message).toContain('holds only 1 of them');
    expect(cleared?.message).toContain('send the message again');
    expect(rewritten).toMatchObject({ expectedTurns: 2, foundTurns: 2, changed: true });
    expect(missing).toMatchObject({ foundTurns: undefined, table: 'gemloop_chat_turns' });
    expect(missing?.message).toContain("the fleet's system database");
  });

  it('comes back as its class from a stored run error (the worker throws it; runs.result() reads it)', () => {
    const stored = Object.assign(new Error('x'), {
      name: 'DurableChatHistoryError',
      code: 'durable-chat-history',
      sessionId: 's',
      expectedTurns: 2,
      foundTurns: 0,
    });
    const revived = typedStoredError(stored);
    expect(DurableChatHistoryError.isInstance(revived)).toBe(true);
    expect(revived).toBeInstanceOf(DurableChatHistoryError);
  });
});

describe('a worker of an earlier version, given a history by reference', () => {
  // Such a worker hands the run's `history` to its agent as it is: the agent refuses a history
  // that is not a list, so the run fails instead of answering without the thread.
  it('fails the run with InvalidArgumentError before any model call', async () => {
    const fake = createFakeGemini({ script: () => turn.text('answered without the thread') });
    await fake.listen();
    try {
      const agent = createAgent({
        gemini: createGemini({ apiKey: 'test-key', baseUrl: fake.url }),
        model: 'gemini-3-flash-preview',
      });
      const reference = historyReferenceOf('gemloop_chat_turns', 's', TURNS, undefined);
      const error = await agent
        .run('And order 9?', { history: reference as never })
        .catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(fake.modelRequests).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });
});
