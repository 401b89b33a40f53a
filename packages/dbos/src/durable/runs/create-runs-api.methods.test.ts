// The runs API over a scripted backend (no DBOS, no database): how it reports a paused run,
// filters and limits the list, waits on a paused run's result, reads events across a pause, and
// cancels. The backend records every call, so each test can say what reached DBOS and Postgres.

import type { WorkflowStatus } from '@dbos-inc/dbos-sdk';
import type { AgentEvent } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { DurableRunDataError } from '../../errors/durable-run-data-error.ts';
import { DurableRunError } from '../../errors/durable-run-error.ts';
import type { ApprovalDecision } from '../approvals/approval-decision.ts';
import type { EventBatch } from '../events/run-events.ts';
import { createRunsApi } from './create-runs-api.ts';
import { CHILD_WORKFLOW, RUN_WORKFLOW } from './durable-run-types.ts';
import type { RunsBackend } from './runs-backend.ts';

const workflow = (
  workflowID: string,
  status: string,
  extra: Partial<WorkflowStatus> = {},
): WorkflowStatus =>
  ({
    workflowID,
    status,
    workflowName: RUN_WORKFLOW,
    input: ['support', { input: 'hi' }],
    executorId: 'worker-1',
    createdAt: 1000,
    updatedAt: 2000,
    dequeuedAt: 1500,
    completedAt: status === 'SUCCESS' ? 3000 : undefined,
    ...extra,
  }) as WorkflowStatus;

const delta = (text: string): AgentEvent => ({ type: 'text-delta', path: [], stepNumber: 1, text });

/**
 * A backend whose DBOS side is `workflows` (mutable: tests change a status between calls) and
 * whose approvals table says `waiting` runs wait. Every call is logged in `calls`.
 */
function scripted(
  workflows: Map<string, WorkflowStatus>,
  {
    waiting = new Set<string>(),
    parked = new Set<string>(),
    streams = new Map<string, EventBatch[][]>(),
    results = new Map<string, () => Promise<unknown>>(),
  }: {
    waiting?: Set<string>;
    /** Runs stopped to wait on an interaction's webhook (interaction-waits.ts). */
    parked?: Set<string>;
    /** Per run, what each successive read of its stream yields. */
    streams?: Map<string, EventBatch[][]>;
    results?: Map<string, () => Promise<unknown>>;
  } = {},
) {
  const calls: string[] = [];
  const reads: number[] = [];
  const backend: RunsBackend = {
    pool: {
      query: async (sql: string, params: unknown[]) => {
        if (sql.includes('SELECT DISTINCT a.run_id')) {
          calls.push('waitingRuns');
          const ids = params[0] as string[];
          return { rows: ids.filter((id) => waiting.has(id)).map((run_id) => ({ run_id })) };
        }
        if (sql.includes('SELECT DISTINCT w.run_id')) {
          const ids = params[0] as string[];
          return { rows: ids.filter((id) => parked.has(id)).map((run_id) => ({ run_id })) };
        }
        if (sql.includes('WITH marker AS')) {
          calls.push(`markCancelled ${String(params[0])}`);
          waiting.delete(params[0] as string);
          return { rows: [] };
        }
        throw new Error(`unexpected query: ${sql}`);
      },
    } as never,
    pollingIntervalMs: 1,
    resume: async (runId) => {
      calls.push(`resume ${runId}`);
    },
    enqueue: async (agent, runId, input) => {
      calls.push(`enqueue ${agent} ${runId} ${JSON.stringify(input)}`);
    },
    getResult: async (runId) => {
      calls.push(`getResult ${runId}`);
      const result = results.get(runId);
      if (result === undefined) throw new Error('no result');
      return (await result()) as never;
    },
    getStatus: async (runId) => workflows.get(runId),
    readStream: async function* (runId, offset) {
      reads.push(offset);
      const next = streams.get(runId)?.shift() ?? [];
      yield* next;
    },
    getEvent: async () => null,
    send: async () => {},
    cancel: async (runId) => {
      calls.push(`cancel ${runId}`);
      const current = workflows.get(runId);
      if (current !== undefined) workflows.set(runId, { ...current, status: 'CANCELLED' });
    },
    listWorkflows: async (input) => {
      calls.push(`listWorkflows ${JSON.stringify(input)}`);
      const wanted = input?.status as string[] | undefined;
      const prefixes = [input?.workflow_id_prefix ?? []].flat();
      const names = [input?.workflowName ?? []].flat();
      const ids = input?.workflowIDs;
      const all = [...workflows.values()].filter(
        (run) =>
          (ids === undefined || ids.includes(run.workflowID)) &&
          (wanted === undefined || wanted.includes(run.status)) &&
          (names.length === 0 || names.includes(run.workflowName)) &&
          (prefixes.length === 0 || prefixes.some((prefix) => run.workflowID.startsWith(prefix))),
      );
      const offset = input?.offset ?? 0;
      return input?.limit === undefined ? all : all.slice(offset, offset + input.limit);
    },
    close: async () => {
      calls.push('close');
    },
  };
  return { backend, calls, reads };
}

describe("DurableRuns.result's poll beside the end notice", () => {
  /**
   * Waits on a run that ends at its seventh status read, with end notices that never come (each
   * wait times out), and says how long each wait was allowed.
   */
  async function waits(extra: Partial<WorkflowStatus> = {}): Promise<number[]> {
    const workflows = new Map([['r', workflow('r', 'PENDING', extra)]]);
    const results = new Map([['r', async () => ({ text: 'done' })]]);
    const { backend } = scripted(workflows, { results });
    const allowed: number[] = [];
    backend.pollingIntervalMs = 100;
    backend.notices = {
      watch: async () => ({
        next: async (ms) => {
          allowed.push(ms);
          if (allowed.length === 6) workflows.set('r', workflow('r', 'SUCCESS', extra));
        },
        stop: () => {},
      }),
      close: async () => {},
    };
    expect(await createRunsApi(backend).result('r')).toEqual({ text: 'done' });
    return allowed;
  }

  it("slows a top run's poll to once a second: its end is announced, the poll only a fallback", async () => {
    expect(await waits()).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("keeps a subagent's run at pollingIntervalMs: its end is not announced", async () => {
    const child = {
      workflowName: CHILD_WORKFLOW,
      input: ['research', { parentWorkflowId: 'top', path: ['research'] }],
    };
    expect(await waits(child)).toEqual([100, 100, 100, 100, 100, 100]);
  });
});

describe('DurableRuns.result across an approval', () => {
  it('waits on when the run is resumed and takes its decision between the status and the waiting read', async () => {
    const workflows = new Map([['r', workflow('r', 'CANCELLED')]]);
    const waiting = new Set(['r']);
    const results = new Map<string, () => Promise<unknown>>();
    const { backend } = scripted(workflows, { waiting, results });
    const query = backend.pool.query.bind(backend.pool) as (...args: unknown[]) => Promise<unknown>;
    let armed = false;
    backend.pool = {
      query: async (sql: string, params: unknown[]) => {
        // approve() resumes the run (ENQUEUED) and its worker takes the decision (no longer
        // waiting) right after result() read the status as CANCELLED, before it reads `waiting`.
        if (armed && sql.includes('SELECT DISTINCT a.run_id')) {
          const before = workflows.get('r')?.status;
          if (before === 'CANCELLED') {
            armed = false;
            workflows.set('r', workflow('r', 'ENQUEUED'));
            waiting.delete('r');
            setImmediate(() => {
              workflows.set('r', workflow('r', 'SUCCESS'));
              results.set('r', async () => ({ text: 'refunded' }));
            });
          }
        }
        return query(sql, params);
      },
    } as never;
    const runs = createRunsApi(backend);
    // A first status read while paused: reported as waiting for approval.
    expect(await runs.status('r')).toMatchObject({ status: 'PENDING', awaitingApproval: true });
    armed = true;
    await expect(runs.result('r')).resolves.toEqual({ text: 'refunded' });
  });
});

describe('DurableRuns.status', () => {
  it('reports a paused run (a CANCELLED workflow with a waiting call) as PENDING, awaiting, on no worker', async () => {
    const { backend } = scripted(new Map([['r1', workflow('r1', 'CANCELLED')]]), {
      waiting: new Set(['r1']),
    });
    expect(await createRunsApi(backend).status('r1')).toEqual({
      runId: 'r1',
      status: 'PENDING',
      awaitingApproval: true,
      agent: 'support',
      executorId: undefined,
      createdAt: 1000,
      updatedAt: 2000,
      dequeuedAt: 1500,
      completedAt: undefined,
    });
  });

  it('reports a cancelled run with nothing waiting as CANCELLED, a running one that waits as awaiting', async () => {
    const { backend } = scripted(
      new Map([
        ['gone', workflow('gone', 'CANCELLED', { completedAt: 4000 })],
        ['asking', workflow('asking', 'PENDING')],
      ]),
      { waiting: new Set(['asking']) },
    );
    const runs = createRunsApi(backend);
    expect(await runs.status('gone')).toMatchObject({
      status: 'CANCELLED',
      awaitingApproval: false,
      executorId: 'worker-1',
      completedAt: 4000,
    });
    expect(await runs.status('asking')).toMatchObject({
      status: 'PENDING',
      awaitingApproval: true,
      executorId: 'worker-1',
    });
    expect(await runs.status('unknown')).toBeUndefined();
  });

  it('names no agent when the stored input has none', async () => {
    const { backend } = scripted(new Map([['r', workflow('r', 'SUCCESS', { input: [42] })]]));
    expect((await createRunsApi(backend).status('r'))?.agent).toBeUndefined();
  });
});

describe('DurableRuns.ownerOf', () => {
  const child = (id: string, parent: unknown) =>
    workflow(id, 'PENDING', {
      workflowName: CHILD_WORKFLOW,
      input: ['research', { parentWorkflowId: parent, path: ['research#1'] }],
    });

  it("answers a subagent's run with its top run's owner, up any depth", async () => {
    const workflows = new Map([
      ['top', workflow('top', 'PENDING', { input: ['support', { input: 'hi', owner: 'alice' }] })],
      ['child', child('child', 'top')],
      ['grandchild', child('grandchild', 'child')],
      ['plain', workflow('plain', 'PENDING')],
    ]);
    const runs = createRunsApi(scripted(workflows).backend);
    expect(await runs.ownerOf('top')).toBe('alice');
    expect(await runs.ownerOf('grandchild')).toBe('alice');
    // A run started without an owner, an unknown id: none (a caller with one is refused).
    expect(await runs.ownerOf('plain')).toBeUndefined();
    expect(await runs.ownerOf('nobody')).toBeUndefined();
  });

  it('answers none for a child whose parent is missing, not a string, or a cycle', async () => {
    const workflows = new Map([
      ['orphan', child('orphan', 'gone')],
      ['odd', child('odd', { id: 'top' })],
      ['a', child('a', 'b')],
      ['b', child('b', 'a')],
    ]);
    const runs = createRunsApi(scripted(workflows).backend);
    expect(await runs.ownerOf('orphan')).toBeUndefined();
    expect(await runs.ownerOf('odd')).toBeUndefined();
    // Two rows naming each other (a hand-edited table): bounded, not a hang.
    expect(await runs.ownerOf('a')).toBeUndefined();
  });

  it('refuses a run id Postgres cannot hold, typed, before reading', async () => {
    const { backend } = scripted(new Map());
    await expect(createRunsApi(backend).ownerOf('a\u0000b')).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

describe('DurableRuns.list', () => {
  const fleet = () =>
    new Map([
      ['ok', workflow('ok', 'SUCCESS')],
      ['paused', workflow('paused', 'CANCELLED')],
      ['cancelled', workflow('cancelled', 'CANCELLED')],
      ['running', workflow('running', 'PENDING')],
      ['failed', workflow('failed', 'ERROR')],
    ]);

  it('finds paused runs under PENDING (asking DBOS for CANCELLED too), not under CANCELLED', async () => {
    const { backend, calls } = scripted(fleet(), { waiting: new Set(['paused']) });
    const runs = createRunsApi(backend);
    const pending = await runs.list({ status: 'PENDING' });
    expect(pending.map((run) => run.runId)).toEqual(['paused', 'running']);
    expect(calls[0]).toContain('"status":["PENDING","CANCELLED"]');
    const cancelled = await runs.list({ status: 'CANCELLED' });
    expect(cancelled.map((run) => run.runId)).toEqual(['cancelled']);
    const both = await runs.list({ status: ['PENDING', 'CANCELLED'] });
    expect(both.map((run) => `${run.runId}:${run.status}`)).toEqual([
      'paused:PENDING',
      'cancelled:CANCELLED',
      'running:PENDING',
    ]);
  });

  it('applies the limit after filtering: DBOS is asked for pages, the limit itself only when nothing is filtered', async () => {
    const { backend, calls } = scripted(fleet(), { waiting: new Set(['paused']) });
    const runs = createRunsApi(backend);
    // The listing calls, not the load of the listed runs' inputs (rows without attributes).
    const listings = (): string[] =>
      calls.filter((call) => call.startsWith('listWorkflows') && !call.includes('workflowIDs'));
    // The first CANCELLED workflow is the paused run, reported as PENDING: a limit given to
    // DBOS would have cut the list before the filter.
    expect((await runs.list({ status: 'CANCELLED', limit: 1 })).map((run) => run.runId)).toEqual([
      'cancelled',
    ]);
    expect(listings().at(-1)).toContain('"limit":100,"offset":0');
    expect(listings().at(-1)).toContain('"loadInput":false');
    expect((await runs.list({ limit: 2 })).map((run) => run.runId)).toEqual(['ok', 'paused']);
    expect(listings().at(-1)).toContain('"limit":2');
    expect(listings().at(-1)).toContain('"sortDesc":true');
    // Only the runs returned have their inputs loaded.
    expect(calls.at(-1)).toContain('"workflowIDs":["ok","paused"]');
  });

  it('reports a run stopped to wait on its webhook (a CANCELLED workflow, parked) as PENDING, not awaiting approval', async () => {
    const workflows = new Map([
      ['parked', workflow('parked', 'CANCELLED')],
      ['gone', workflow('gone', 'CANCELLED')],
    ]);
    const { backend } = scripted(workflows, { parked: new Set(['parked']) });
    const runs = createRunsApi(backend);
    expect(await runs.status('parked')).toMatchObject({
      status: 'PENDING',
      awaitingApproval: false,
      executorId: undefined,
    });
    expect((await runs.status('gone'))?.status).toBe('CANCELLED');
    expect((await runs.list({ status: 'PENDING' })).map((run) => run.runId)).toEqual(['parked']);
  });

  it('asks the approvals table only about the CANCELLED workflows', async () => {
    const { backend, calls } = scripted(new Map([['ok', workflow('ok', 'SUCCESS')]]));
    await createRunsApi(backend).list();
    // The listing, and the input of its one run (a row without attributes); no approvals read.
    expect(calls).toEqual([
      expect.stringContaining('listWorkflows {"workflowName":"gemloop.run"'),
      'listWorkflows {"workflowIDs":["ok"],"loadInput":true,"loadOutput":false}',
    ]);
  });
});

describe('DurableRuns.result', () => {
  it('refuses a run id the database does not know, typed, before waiting', async () => {
    const { backend, calls } = scripted(new Map());
    const error = await createRunsApi(backend)
      .result('nope')
      .catch((caught: unknown) => caught);
    expect(DurableRunError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ runId: 'nope', status: 'NOT_FOUND' });
    expect(calls).toEqual([]);
  });

  it('waits while the run is paused, and returns its result once it ran again', async () => {
    const workflows = new Map([['r', workflow('r', 'CANCELLED')]]);
    const waiting = new Set(['r']);
    let asked = 0;
    const results = new Map([
      [
        'r',
        async () => {
          asked++;
          // DBOS says "cancelled" while the run is paused; the third time it has run again.
          if (asked < 3) throw new Error('Workflow r was cancelled');
          return { text: 'done' };
        },
      ],
    ]);
    const { backend } = scripted(workflows, { waiting, results });
    expect(await createRunsApi(backend).result('r')).toEqual({ text: 'done' });
    expect(asked).toBe(3);
  });

  it('throws with the status it ended with when it is over', async () => {
    const { backend } = scripted(new Map([['r', workflow('r', 'ERROR')]]));
    const error = await createRunsApi(backend)
      .result('r')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ runId: 'r', status: 'ERROR' });
    expect((error as Error).message).toBe('Durable run "r" ended with status ERROR: no result');
  });

  // durable-chat54: a chat turn's result is stored without the thread its input holds.
  describe('of a result stored without its history (contentsFrom)', () => {
    const history = [
      { role: 'user', parts: [{ text: 'first' }] },
      { role: 'model', parts: [{ text: 'One.' }] },
    ];
    const newContents = [
      { role: 'user', parts: [{ text: 'second' }] },
      { role: 'model', parts: [{ text: 'Two.' }] },
    ];
    const chat = (stored: Record<string, unknown>, input: unknown = { input: 'second', history }) =>
      scripted(new Map([['r', workflow('r', 'SUCCESS', { input: ['support', input] })]]), {
        results: new Map([['r', async () => structuredClone(stored)]]),
      });

    it('puts its contents back from the run’s input, read once', async () => {
      const { backend, calls } = chat({ text: 'Two.', newContents, contentsFrom: 2 });
      const result = await createRunsApi(backend).result('r');
      expect(result).toEqual({ text: 'Two.', newContents, contents: [...history, ...newContents] });
      expect(calls).toEqual([
        'getResult r',
        'listWorkflows {"workflowIDs":["r"],"loadInput":true,"loadOutput":false}',
      ]);
    });

    it('reads no input for a result stored whole (an older version’s) or for a run without history', async () => {
      const whole = { text: 'Two.', contents: [...history, ...newContents], newContents };
      const older = chat(whole);
      expect(await createRunsApi(older.backend).result('r')).toEqual(whole);
      const first = chat({ text: 'Two.', newContents, contentsFrom: 0 }, { input: 'second' });
      expect(await createRunsApi(first.backend).result('r')).toEqual({
        text: 'Two.',
        newContents,
        contents: newContents,
      });
      expect([...older.calls, ...first.calls]).toEqual(['getResult r', 'getResult r']);
    });

    it('refuses, typed, a result whose input does not hold the history it names', async () => {
      const { backend } = chat({ text: 'Two.', newContents, contentsFrom: 3 });
      const error = await createRunsApi(backend)
        .result('r')
        .catch((caught: unknown) => caught);
      expect(DurableRunDataError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        `Durable run "r" cannot be read: its stored result (dbos.workflow_status) starts its contents with 3 contents of the run's history, which its input does not hold. The row was edited, cut short or written by another program; fix or delete it.`,
      );
    });
  });
});

describe('DurableRuns.events across a pause', () => {
  it('reads again after the pause from the entries it has, until the run is over', async () => {
    const workflows = new Map([['r', workflow('r', 'CANCELLED')]]);
    const waiting = new Set(['r']);
    const streams = new Map([
      [
        'r',
        [
          // Before the pause: two entries.
          [
            { from: 0, events: [delta('a')] },
            { from: 1, events: [delta('b')] },
          ],
          // Still paused: nothing new.
          [],
          // Resumed by another worker, whose first write repeats what the replay re-emitted.
          [{ from: 0, events: [delta('a'), delta('b'), delta('c')] }],
        ],
      ],
    ]);
    const { backend, reads } = scripted(workflows, { waiting, streams });
    const seen: string[] = [];
    for await (const { offset, event } of createRunsApi(backend).events('r')) {
      seen.push(`${offset}:${(event as { text: string }).text}`);
      if (seen.length === 3) {
        // The run finished after its last entry.
        waiting.delete('r');
        workflows.set('r', workflow('r', 'SUCCESS'));
      }
    }
    expect(seen).toEqual(['0:a', '1:b', '2:c']);
    // Each read starts at the entries already read: the third after the two of the first.
    expect(reads).toEqual([0, 2, 2]);
  });
});

describe('DurableRuns.events of an unknown run', () => {
  /** Reads every event of `runId`, returning what the read threw. */
  const failureOf = async (backend: RunsBackend, runId: string): Promise<unknown> => {
    try {
      for await (const _ of createRunsApi(backend).events(runId));
    } catch (caught) {
      return caught;
    }
    return undefined;
  };

  it('is the NOT_FOUND DurableRunError result() throws, not DBOS’s own error', async () => {
    const { backend } = scripted(new Map());
    // As DBOS's readStream does for a workflow id it does not know.
    backend.readStream = async function* (runId) {
      yield* [];
      throw Object.assign(new Error(`Workflow ${runId} does not exist`), {
        name: 'DBOSNonExistentWorkflowError',
      });
    };
    const error = await failureOf(backend, 'nope');
    expect(DurableRunError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ runId: 'nope', status: 'NOT_FOUND' });
    expect((error as Error).message).toBe('No durable run has the id "nope".');
  });

  it('is NOT_FOUND too when the stream reads as empty and no status exists', async () => {
    const { backend } = scripted(new Map());
    const error = await failureOf(backend, 'nope');
    expect(error).toMatchObject({ runId: 'nope', status: 'NOT_FOUND' });
  });

  it('passes on another read failure of a run that exists', async () => {
    const { backend } = scripted(new Map([['r', workflow('r', 'PENDING')]]));
    const broken = new Error('connection reset');
    backend.readStream = async function* () {
      yield* [];
      throw broken;
    };
    expect(await failureOf(backend, 'r')).toBe(broken);
  });
});

describe('DurableRuns.start and cancel', () => {
  it('enqueues the input and history as given, with the run id chosen or a new UUID', async () => {
    const { backend, calls } = scripted(new Map());
    const runs = createRunsApi(backend);
    expect(await runs.start('support', { runId: 'order-7', input: 'Refund me' })).toEqual({
      runId: 'order-7',
    });
    const { runId } = await runs.start('support', {
      input: 'Hi',
      history: [{ role: 'user', parts: [{ text: 'Before' }] }],
    });
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls).toEqual([
      'enqueue support order-7 {"input":"Refund me"}',
      `enqueue support ${runId} {"input":"Hi","history":[{"role":"user","parts":[{"text":"Before"}]}]}`,
    ]);
  });

  it('refuses an empty or missing agent name, typed, enqueuing nothing', async () => {
    const { backend, calls } = scripted(new Map());
    for (const agent of ['', undefined, 7]) {
      const error = await createRunsApi(backend)
        .start(agent as never, { input: 'x' })
        .catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('the agent name must be a non-empty string');
    }
    expect(calls).toEqual([]);
  });

  it('refuses a run id Postgres cannot hold (a NUL, over 1024 bytes), typed, in every method, sending nothing', async () => {
    const { backend, calls } = scripted(new Map());
    const runs = createRunsApi(backend);
    for (const runId of ['order\u00007', 'é'.repeat(513), '', 7 as never]) {
      const attempts: Promise<unknown>[] = [
        runs.start('support', { runId, input: 'x' }),
        runs.result(runId),
        runs.status(runId),
        runs.events(runId)[Symbol.asyncIterator]().next(),
        runs.pendingApprovals(runId),
        runs.approve(runId, 'c1', { type: 'approve' }),
        runs.steer(runId, 'hey'),
        runs.cancel(runId),
        runs.childRuns(runId),
      ];
      for (const attempt of attempts) {
        const error = await attempt.catch((caught: unknown) => caught);
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ argument: 'runId' });
        expect((error as Error).message).toMatch(/a run id is a non-empty string of at most 1024/);
      }
    }
    expect(calls).toEqual([]);
  });

  it('refuses an events offset that is not a whole number >= 0, typed, before reading', async () => {
    const { backend, calls, reads } = scripted(new Map([['r', workflow('r', 'SUCCESS')]]));
    const runs = createRunsApi(backend);
    // NaN read every event from 0 (no index is below NaN), a string was compared as a number.
    for (const offset of [Number.NaN, -1, 1.5, Infinity, '3' as never]) {
      const error = await runs
        .events('r', { offset })
        [Symbol.asyncIterator]()
        .next()
        .catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ argument: 'offset' });
    }
    expect([calls, reads]).toEqual([[], []]);
  });

  it('refuses a decision Postgres cannot store (a NUL, a lone surrogate) or a call id with a NUL, typed, before any statement', async () => {
    const { backend, calls } = scripted(new Map([['r', workflow('r', 'PENDING')]]));
    const runs = createRunsApi(backend);
    const refused = async (callId: string, decision: ApprovalDecision, argument: string) => {
      const error = await runs.approve('r', callId, decision).catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ argument });
    };
    await refused('1.0:c', { type: 'reject', reason: 'no\u0000' }, 'decision');
    // A reason cut in the middle of an emoji.
    await refused('1.0:c', { type: 'reject', reason: '😀'.slice(0, 1) }, 'decision');
    await refused('1.0:c', { type: 'edit', args: { to: 'a\udc00' } }, 'decision');
    await refused('1.0:c\u0000', { type: 'approve' }, 'callId');
    await refused('', { type: 'approve' }, 'callId');
    expect(calls).toEqual([]);
  });

  it('refuses a list limit that is not a whole number >= 0, typed, before asking DBOS', async () => {
    const { backend, calls } = scripted(new Map());
    const runs = createRunsApi(backend);
    for (const limit of [-1, Number.NaN, 1.5, Number.POSITIVE_INFINITY]) {
      for (const attempt of [runs.list({ limit }), runs.childRuns('r', { limit })]) {
        const error = await attempt.catch((caught: unknown) => caught);
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ argument: 'limit' });
      }
    }
    expect(calls).toEqual([]);
  });

  it('marks the run cancelled in the approvals table before cancelling its workflow', async () => {
    const { backend, calls } = scripted(new Map([['r', workflow('r', 'CANCELLED')]]), {
      waiting: new Set(['r']),
    });
    const runs = createRunsApi(backend);
    await runs.cancel('r');
    // Marked first: a decision that races the cancel can no longer resume it.
    // Its subagents' child workflows are looked up (none here) and marked before the cancel too.
    expect(calls).toEqual([
      'markCancelled r',
      'listWorkflows {"workflowName":"gemloop.child","workflow_id_prefix":"r/","loadInput":false,"loadOutput":false}',
      'cancel r',
    ]);
    expect(await runs.status('r')).toMatchObject({ status: 'CANCELLED', awaitingApproval: false });
    await runs.close();
    expect(calls.at(-1)).toBe('close');
  });
});

describe('DurableRuns.pendingApprovals', () => {
  it('lists nothing for a run that is over: a cancelled workflow never takes its published list back', async () => {
    const call = {
      approvalId: '1.0:c',
      toolCallId: 'c',
      toolName: 'refund',
      args: {},
      stepNumber: 1,
    };
    const { backend } = scripted(
      new Map([
        ['paused', workflow('paused', 'CANCELLED')],
        ['cancelled', workflow('cancelled', 'CANCELLED')],
        ['done', workflow('done', 'SUCCESS')],
      ]),
      { waiting: new Set(['paused']) },
    );
    // Each run published the call when it reached it, and stopped there.
    backend.getEvent = async <T>() => [call] as T;
    const runs = createRunsApi(backend);
    expect(await runs.pendingApprovals('paused')).toEqual([call]);
    expect(await runs.pendingApprovals('cancelled')).toEqual([]);
    expect(await runs.pendingApprovals('done')).toEqual([]);
  });
});
