import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { createRunsApi } from '../durable/runs/create-runs-api.ts';
import type { RunsBackend } from '../durable/runs/runs-backend.ts';
import { DurableChatHistoryError } from './durable-chat-history-error.ts';
import { DurableRunDataError } from './durable-run-data-error.ts';
import { DurableRunError } from './durable-run-error.ts';
import { DurableRunInputTooLargeError } from './durable-run-input-too-large-error.ts';

// attack61d: run ids are the caller's, up to 1 KB of anything but NUL, and every dbos error quoted
// them raw between `"`: a `\n` in one started a forged line of a log, a bidi override turned the
// message around, and a key the caller named a run by (a tenant's API key as its id) was written
// into every message about the run. The errors' `runId` fields keep the id as it is.

const KEY = 'AIzaSyA1234567890abcdefghijklmnopqrstuv';
const HOSTILE = `tenant-${KEY}\n[error] forged line \u202Eevil\u001b[31m`;

/** The message holds no key, no line break, no bidi override or escape: one line, as written. */
function expectQuoted(message: string): void {
  expect(message).not.toContain(KEY);
  // The escape character is what the test looks for: a control character in the class on purpose.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC must not reach a terminal
  expect(message).not.toMatch(/[\n\r\u2028\u2029\u202A-\u202E\u2066-\u2069\u001b]/);
  expect(message).toContain('[redacted]');
}

/** A backend that knows no run (DBOS's readStream throws for an unknown id). */
const emptyBackend = (): RunsBackend =>
  ({
    pool: { query: async () => ({ rows: [] }) },
    readStream: async function* () {
      yield* [];
      throw new Error('DBOSNonExistentWorkflowError');
    },
    getStatus: async () => undefined,
    getEvent: async () => null,
    listWorkflows: async () => [],
    close: async () => {},
  }) as unknown as RunsBackend;

describe('dbos errors quote a hostile run id escaped, cut and without its key', () => {
  it('DurableRunDataError, DurableRunInputTooLargeError and DurableChatHistoryError', () => {
    const errors = [
      new DurableRunDataError({ runId: HOSTILE, row: 'events', entry: 2, problem: 'is not JSON' }),
      new DurableRunInputTooLargeError({ runId: HOSTILE, bytes: 10, limit: 5 }),
      new DurableChatHistoryError({
        runId: HOSTILE,
        table: 'chat',
        sessionId: HOSTILE,
        expectedTurns: 2,
        foundTurns: 1,
        changed: false,
      }),
    ];
    for (const error of errors) {
      expectQuoted(error.message);
      expect((error as { runId?: string }).runId).toBe(HOSTILE);
    }
  });

  it("runs.events() of an unknown id: NOT_FOUND, the id's key not in the message", async () => {
    const runs = createRunsApi(emptyBackend());
    const read = async () => {
      for await (const _event of runs.events(HOSTILE)) {
        // None.
      }
    };
    const error = await read().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DurableRunError);
    expect(error).toMatchObject({ status: 'NOT_FOUND', runId: HOSTILE });
    expectQuoted((error as Error).message);
  });

  it('a run id too long to use: refused with a cut quote that holds no whole key', async () => {
    const runs = createRunsApi(emptyBackend());
    const error = await runs.status(`${KEY}${'x'.repeat(2000)}`).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).not.toContain(KEY);
    expect((error as Error).message).toContain('characters omitted');
  });
});
