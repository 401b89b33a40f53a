import type { WorkflowStatus } from '@dbos-inc/dbos-sdk';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { historyReferenceOf } from '../chat/history-reference.ts';
import { type RecordedRunsClient, readRecordedRunsWith } from './read-recorded-runs.ts';

// leftovers33 (attack24b's leftover): `readRecordedRuns` listed a fleet's runs in pages of 20 with
// their inputs and outputs loaded, so a page held 20 stored inputs at once, each up to the runs'
// `maxInputBytes` (100 MB by default): 2 GB for a page of the largest. Now a page lists ids and
// attributes only, and each run's input and output is loaded alone, when the reader asks for the
// run. Counted on a client that records what it was asked to load (no Postgres: what matters is
// what the reader asks DBOS for).

const RUNS = 45;

/**
 * A client over `runs` successful runs, newest first; `attributes: false` plays runs started
 * before gemloop wrote them; `inputOf` gives a run's stored request (a question by default).
 */
function fleet({
  attributes,
  runs = RUNS,
  inputOf = (workflowID: string): unknown => ({ input: `question ${workflowID}` }),
}: {
  attributes: boolean;
  runs?: number;
  inputOf?: (workflowID: string) => unknown;
}) {
  const loads: { ids: readonly string[] | undefined; limit: number | undefined }[] = [];
  const listings: { loadInput: boolean | undefined; limit: number | undefined }[] = [];
  const workflows = Array.from({ length: runs }, (_, index) => ({
    workflowID: `run-${index}`,
    workflowName: 'gemloop.run',
    status: 'SUCCESS',
    createdAt: 1_000_000 - index,
    attributes: attributes ? { 'gemloop.agent': 'support' } : undefined,
  }));
  const stored = (workflow: (typeof workflows)[number]) => ({
    ...workflow,
    input: ['support', inputOf(workflow.workflowID)],
    output: {
      text: 'answer',
      steps: [],
      contents: [{ role: 'model', parts: [{ text: 'answer' }] }],
      usage: {},
      response: { candidates: [{ content: { role: 'model', parts: [{ text: 'answer' }] } }] },
    },
  });
  const client: RecordedRunsClient = {
    async listWorkflows(input) {
      if (input.workflowName === 'gemloop.child') return [];
      if (input.loadInput === true) {
        loads.push({ ids: input.workflowIDs, limit: input.limit });
        const chosen =
          input.workflowIDs === undefined
            ? workflows.slice(input.offset ?? 0, (input.offset ?? 0) + (input.limit ?? runs))
            : workflows.filter((workflow) => input.workflowIDs?.includes(workflow.workflowID));
        return chosen.map(stored) as unknown as WorkflowStatus[];
      }
      listings.push({ loadInput: input.loadInput, limit: input.limit });
      const offset = input.offset ?? 0;
      return workflows.slice(offset, offset + (input.limit ?? runs)) as unknown as WorkflowStatus[];
    },
    readStream: async function* () {} as unknown as RecordedRunsClient['readStream'],
  };
  return { client, loads, listings };
}

describe('readRecordedRuns: one run’s stored input in memory at a time (leftovers33)', () => {
  it.each([
    ['runs with their attributes', true],
    ['runs started before gemloop wrote attributes', false],
  ])(
    '%s: pages list no input; each run is loaded alone, as it is read',
    async (_name, attributes) => {
      const { client, loads, listings } = fleet({ attributes });
      const reader = readRecordedRunsWith(client, { limit: 1000 });
      const first = await reader.next();
      expect(first.done).toBe(false);
      expect(first.value).toMatchObject({ runId: 'run-0', agent: 'support', hasSubagents: false });
      // One run read, one input loaded: not the page's twenty.
      expect(loads).toEqual([{ ids: ['run-0'], limit: undefined }]);
      const rest = [];
      for await (const run of { [Symbol.asyncIterator]: () => reader }) rest.push(run);
      expect(rest).toHaveLength(RUNS - 1);
      expect(rest.every((run) => run.agent === 'support')).toBe(true);
      expect(loads).toHaveLength(RUNS);
      expect(loads.every((load) => load.ids?.length === 1)).toBe(true);
      expect(listings.every((listing) => listing.loadInput === false)).toBe(true);
    },
  );
});

// attack57b: a chat turn sent with historyByReference whose stored turns can no longer be read as
// turns (a row rewritten by hand into another shape, or a reference to a table that is no chat
// store's) stopped `readRecordedRuns` for the whole fleet with a ChatStoreError, where a cleared
// session's turn is skipped and the other runs read. A pool answering the one query.
describe('readRecordedRuns and a chat turn whose referenced turns cannot be read (attack57b)', () => {
  const stored = { contents: [{ role: 'user' as const, parts: [{ text: 'Where is order 7?' }] }] };
  const reference = historyReferenceOf('gemloop_chat_turns', 'user-42', [stored], undefined);
  /** Three runs, the middle one a chat turn with its history by reference. */
  const chat = () =>
    fleet({
      attributes: true,
      runs: 3,
      inputOf: (workflowID) =>
        workflowID === 'run-1'
          ? { input: 'And order 8?', history: reference }
          : { input: `question ${workflowID}` },
    }).client;
  const poolAnswering = (answer: () => unknown) =>
    ({ query: async () => answer() }) as unknown as pg.Pool;
  const notATurn = {
    turn_index: 0,
    turn: [1, 2],
    turn_text: null,
    cost: null,
    interaction_id: null,
  };
  const noColumn = Object.assign(new Error('column "turn_index" does not exist'), {
    code: '42703',
  });

  it.each([
    ['a stored row that is not a turn', () => ({ rows: [notATurn] })],
    [
      'a table without the store’s columns',
      () => {
        throw noColumn;
      },
    ],
  ])('%s: skips that turn and reads the others', async (_what, answer) => {
    const runs = [];
    for await (const run of readRecordedRunsWith(chat(), { limit: 10 }, poolAnswering(answer)))
      runs.push(run.runId);
    expect(runs).toEqual(['run-0', 'run-2']);
  });

  it('still fails the read when the database itself fails (not a property of one session)', async () => {
    const down = new Error('Connection terminated unexpectedly');
    const failing = poolAnswering(() => {
      throw down;
    });
    const read = async () => {
      for await (const _run of readRecordedRunsWith(chat(), { limit: 10 }, failing));
    };
    expect(await read().catch((caught: unknown) => caught)).toBe(down);
  });
});
