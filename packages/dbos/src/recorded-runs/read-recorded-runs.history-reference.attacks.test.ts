import type { WorkflowStatus } from '@dbos-inc/dbos-sdk';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { historyReferenceOf } from '../chat/history-reference.ts';
import { type RecordedRunsClient, readRecordedRunsWith } from './read-recorded-runs.ts';

// attack57b: a chat turn sent with historyByReference whose stored turns can no longer be read as
// turns (a row rewritten by hand into another shape, or a reference to a table that is no chat
// store's) stopped `readRecordedRuns` for the whole fleet with a ChatStoreError, where a cleared
// session's turn is skipped and the other runs read. No Postgres: a pool answering the one query.

const STORED_TURN = { contents: [{ role: 'user', parts: [{ text: 'Where is order 7?' }] }] };
const reference = historyReferenceOf(
  'gemloop_chat_turns',
  'user-42',
  [STORED_TURN as never],
  undefined,
);

/** Three successful runs, the middle one a chat turn with its history by reference. */
function client(): RecordedRunsClient {
  const workflows = ['run-0', 'run-1', 'run-2'].map((workflowID, index) => ({
    workflowID,
    workflowName: 'gemloop.run',
    status: 'SUCCESS',
    createdAt: 1_000_000 - index,
    attributes: { 'gemloop.agent': 'support' },
    input: [
      'support',
      index === 1 ? { input: 'And order 8?', history: reference } : { input: `question ${index}` },
    ],
    output: {
      text: 'answer',
      steps: [],
      contents: [{ role: 'model', parts: [{ text: 'answer' }] }],
      usage: {},
      response: { candidates: [{ content: { role: 'model', parts: [{ text: 'answer' }] } }] },
    },
  }));
  return {
    async listWorkflows(input) {
      if (input.workflowName === 'gemloop.child') return [];
      const chosen =
        input.workflowIDs === undefined
          ? workflows.slice(input.offset ?? 0, (input.offset ?? 0) + (input.limit ?? 3))
          : workflows.filter((workflow) => input.workflowIDs?.includes(workflow.workflowID));
      return chosen as unknown as WorkflowStatus[];
    },
    readStream: async function* () {} as unknown as RecordedRunsClient['readStream'],
  };
}

/** A pool whose query fails or answers as `answer` says. */
function poolAnswering(answer: () => unknown): pg.Pool {
  return { query: async () => answer() } as unknown as pg.Pool;
}

describe('readRecordedRuns and a chat turn whose referenced turns cannot be read (attack57b)', () => {
  it.each([
    [
      'a stored row that is not a turn',
      () => ({
        rows: [{ turn_index: 0, turn: [1, 2], turn_text: null, cost: null, interaction_id: null }],
      }),
    ],
    [
      'a table without the store’s columns',
      () => {
        throw Object.assign(new Error('column "turn_index" does not exist'), { code: '42703' });
      },
    ],
  ])('%s: skips that turn and reads the others', async (_what, answer) => {
    const runs = [];
    for await (const run of readRecordedRunsWith(client(), { limit: 10 }, poolAnswering(answer)))
      runs.push(run.runId);
    expect(runs).toEqual(['run-0', 'run-2']);
  });

  it('still fails the read when the database itself fails (not a property of one session)', async () => {
    const down = Object.assign(new Error('Connection terminated unexpectedly'), {
      code: undefined,
    });
    const error = await (async () => {
      for await (const _run of readRecordedRunsWith(
        client(),
        { limit: 10 },
        poolAnswering(() => {
          throw down;
        }),
      ));
    })().catch((caught: unknown) => caught);
    expect(error).toBe(down);
  });
});
