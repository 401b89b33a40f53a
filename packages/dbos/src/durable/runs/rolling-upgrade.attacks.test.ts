// attack55 (issue 53): a fleet in a rolling upgrade. durable-chat54 changed what a chat turn's
// run stores (its result without `contents`, rebuilt by readers from its input's history:
// stored-result-contents.ts). Here the previous release and this code share ONE Postgres: a new
// worker's results read by an old client, an old worker's read by a new one, and both workers
// taking turns of one conversation. What must hold: nothing is lost silently; an old client
// either reads `contents` whole or fails with a typed error, never a result with them missing.
//
// The previous release is a build of another checkout (it cannot live in this tree):
// GEMLOOP_OLD_CHECKOUT names it, installed and built. `npm run test:rolling-upgrade` makes one
// (scripts/test-rolling-upgrade.mjs: 122e6ef9 by default) and runs this file against it; `npm
// test` skips the file, under a name that says so, since the install and build of a second tree
// are minutes of CPU. bench/RESULTS.md (attack55) has the run against 122e6ef9.

import { join } from 'node:path';
import type { Content } from '@gemloop/core';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import {
  createDurableRuns,
  createPostgresHistoryStore,
  DurableRunDataError,
  type DurableRuns,
  sendDurableChatTurn,
} from '../../index.ts';

const OLD = process.env['GEMLOOP_OLD_CHECKOUT'];
/** One application version for both releases: the only way both take runs of one queue. */
const VERSION = 'rolling-upgrade';

type OldDbos = typeof import('../../index.ts');

/** The answer to each message: its own text echoed, so a turn's place in the thread shows. */
function echoScript(): Parameters<typeof createFakeGemini>[0] {
  return {
    script: (request) => {
      const contents = (request.body as { contents?: Content[] }).contents;
      return turn.text(`Echo: ${contents?.at(-1)?.parts?.[0]?.text ?? ''}`);
    },
  };
}

/** The texts of a thread, one per content, as `role:text`. */
function textsOf(contents: readonly Content[] | undefined): string[] | undefined {
  return contents?.map((content) => `${content.role}:${content.parts?.[0]?.text ?? ''}`);
}

describe.skipIf(OLD === undefined)(
  'a rolling upgrade: the previous release and this one on one fleet (run by npm run test:rolling-upgrade)',
  () => {
    let fake: FakeGemini;
    let databaseUrl: string;
    let newRuns: DurableRuns;
    let oldRuns: DurableRuns;
    let old: OldDbos;
    const workers: WorkerProcess[] = [];
    const counter = createCounter();
    const start = async (script?: string): Promise<WorkerProcess> => {
      const worker = await startWorker(
        {
          DATABASE_URL: databaseUrl,
          FAKE_URL: fake.url,
          COUNTER_FILE: counter.file,
          DBOS__APPVERSION: VERSION,
        },
        ...(script === undefined ? [] : [script]),
      );
      workers.push(worker);
      return worker;
    };
    /** Sends `messages` to session `sessionId` through the new client, one turn each. */
    const sendTurns = async (
      store: ReturnType<typeof createPostgresHistoryStore>,
      sessionId: string,
      messages: readonly string[],
    ): Promise<void> => {
      for (const message of messages) {
        await sendDurableChatTurn({ runs: newRuns, store, sessionId, agent: 'support', message });
      }
    };
    const oldWorkerScript = (): string =>
      join(OLD as string, 'packages/dbos/src/__fixtures__/worker.ts');

    beforeAll(async () => {
      old = (await import(join(OLD as string, 'packages/dbos/dist/index.js'))) as OldDbos;
      fake = createFakeGemini(echoScript());
      await fake.listen();
      databaseUrl = await workerDatabase('rolling');
      newRuns = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
      oldRuns = await old.createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
    });

    afterAll(async () => {
      await newRuns?.close();
      await oldRuns?.close();
      for (const worker of workers) await stopWorker(worker);
      await fake?.close();
    });

    it('(a) a new worker’s chat turn, read by an old client: refused typed, never a result without contents', async () => {
      const worker = await start();
      const store = createPostgresHistoryStore({ connectionString: databaseUrl });
      try {
        await sendTurns(store, 'a', ['one', 'two']);
        const runId = 'a:turn-1';
        const whole = await newRuns.result(runId);
        expect(textsOf(whole.contents)).toEqual([
          'user:one',
          'model:Echo: one',
          'user:two',
          'model:Echo: two',
        ]);
        // The old client's result(): it cannot rebuild contents it does not know were left out, so
        // it must refuse the result, typed. Before the fix it returned it with `contents` undefined.
        const read = await oldRuns.result(runId).then(
          (result) => ({ contents: result.contents }),
          (error: unknown) => error,
        );
        expect(DurableRunDataError.isInstance(read)).toBe(true);
        expect(read).toMatchObject({ runId, row: 'result' });
        // Its events(): the run-end's result is the same read (its entry holds no result).
        const events = await (async () => {
          const ends: unknown[] = [];
          for await (const { event } of oldRuns.events(runId)) {
            if (event.type === 'run-end') ends.push(event.result);
          }
          return ends;
        })().catch((error: unknown) => error);
        expect(DurableRunDataError.isInstance(events)).toBe(true);
        // An old client's chat turn on the new worker: refused loudly, and its store keeps no turn
        // without contents (the two whole turns only).
        const oldStore = old.createPostgresHistoryStore({ connectionString: databaseUrl });
        try {
          const sent = await old
            .sendDurableChatTurn({
              runs: oldRuns,
              store: oldStore,
              sessionId: 'a',
              agent: 'support',
              message: 'three',
            })
            .catch((error: unknown) => error);
          expect(DurableRunDataError.isInstance(sent)).toBe(true);
        } finally {
          await oldStore.close();
        }
        const turns = await store.load('a');
        expect(textsOf(turns.flatMap((stored) => stored.contents))).toEqual(
          textsOf(whole.contents),
        );
      } finally {
        await store.close();
        await stopWorker(worker);
      }
    });

    it('(b) an old worker’s chat turns, read by a new client: whole', async () => {
      const worker = await start(oldWorkerScript());
      const store = createPostgresHistoryStore({ connectionString: databaseUrl });
      try {
        await sendTurns(store, 'b', ['one', 'two']);
        const result = await newRuns.result('b:turn-1');
        expect(textsOf(result.contents)).toEqual([
          'user:one',
          'model:Echo: one',
          'user:two',
          'model:Echo: two',
        ]);
        let runEnd: { contents?: Content[] } | undefined;
        for await (const { event } of newRuns.events('b:turn-1')) {
          if (event.type === 'run-end') runEnd = event.result as { contents?: Content[] };
        }
        expect(runEnd?.contents).toEqual(result.contents);
      } finally {
        await store.close();
        await stopWorker(worker);
      }
    });

    it('(c) an old and a new worker on one queue, both taking turns of one conversation', async () => {
      const mixed = [await start(oldWorkerScript()), await start()];
      const store = createPostgresHistoryStore({ connectionString: databaseUrl });
      try {
        const messages = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'];
        for (const message of messages) {
          const result = await sendDurableChatTurn({
            runs: newRuns,
            store,
            sessionId: 'c',
            agent: 'support',
            message,
          });
          expect(textsOf(result.newContents)).toEqual([
            `user:${message}`,
            `model:Echo: ${message}`,
          ]);
        }
        const expected = messages.flatMap((message) => [
          `user:${message}`,
          `model:Echo: ${message}`,
        ]);
        const turns = await store.load('c');
        expect(textsOf(turns.flatMap((stored) => stored.contents))).toEqual(expected);
        const last = await newRuns.result(`c:turn-${messages.length - 1}`);
        expect(textsOf(last.contents)).toEqual(expected);
        // Which worker took which turn (the fake hears each worker's header).
        const takers = new Set(
          fake.modelRequests
            .filter((request) => /"m\d"/.test(JSON.stringify(request.body)))
            .map((request) => request.headers?.['x-test-worker']),
        );
        // Which took which is the queue's choice: told, not asserted (RESULTS.md has a run's).
        const names = new Map(
          mixed.map((worker, index) => [`pid-${worker.child.pid}`, index === 0 ? 'old' : 'new']),
        );
        console.log(
          `rolling-upgrade (c): model calls by ${[...takers].map((taker) => names.get(taker as string) ?? taker).join(', ')}`,
        );
      } finally {
        await store.close();
      }
    });
  },
);
