import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Content } from '@gemloop/core';
import type { ChatTurn } from '@gemloop/core/chat';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatScript, GROW } from '../__fixtures__/chat-script.ts';
import { waitFor } from '../__fixtures__/fleet.ts';
import { type HoldingFleet, startHoldingFleet } from '../__fixtures__/holding-fleet.ts';
import { workflowInputBytes } from '../__fixtures__/workflow-input-bytes.ts';
import {
  createPostgresHistoryStore,
  DurableChatHistoryError,
  DurableRunError,
  type PostgresHistoryStore,
  sendDurableChatTurn,
} from '../index.ts';
import { readRecordedRuns } from '../recorded-runs/index.ts';
import { historyReferenceOf } from './history-reference.ts';

// A durable chat turn with its thread by reference to the chat store (durable-chat57), on real
// workers, the suite's embedded Postgres and the fake Gemini: the input stays the same size turn
// after turn, a SIGKILL mid-turn and an approval resume with the thread, and a cleared session
// fails typed.

/** Turns of the flat-input chat (its bytes table in bench/RESULTS.md is 50: `CHAT_REF_TURNS=50`). */
const FLAT_TURNS = Number(process.env['CHAT_REF_TURNS'] ?? '6');

let fleet: HoldingFleet;
let store: PostgresHistoryStore;

beforeAll(async () => {
  fleet = await startHoldingFleet('chat-ref', chatScript());
  store = createPostgresHistoryStore({ connectionString: fleet.databaseUrl });
});

afterAll(async () => {
  await store?.close();
  await fleet?.close();
  if (fleet !== undefined) rmSync(fleet.holdDirectory, { recursive: true, force: true });
});

const inputBytes = (runIds: readonly string[]) => workflowInputBytes(fleet.databaseUrl, runIds);

/** The contents of each model request whose body holds `text`. */
function requestsWith(text: string): Content[][] {
  return fleet.fake.modelRequests
    .filter((request) => JSON.stringify(request.body).includes(text))
    .map((request) => (request.body as { contents: Content[] }).contents);
}

/** `turns` sent one after another on `sessionId`, by reference unless told. */
async function chat(
  sessionId: string,
  agent: string,
  messages: readonly string[],
  historyByReference = true,
): Promise<void> {
  for (const message of messages) {
    await sendDurableChatTurn({
      runs: fleet.runs,
      store,
      sessionId,
      agent,
      message,
      historyByReference,
    });
  }
}

const thread = (turns: readonly ChatTurn[]): Content[] =>
  turns.flatMap((stored) => stored.contents);

describe('sendDurableChatTurn with historyByReference', () => {
  it('keeps every turn’s input the same size, sends the model the whole thread, and reads results back whole', async () => {
    const session = 'flat-chat';
    const messages = Array.from({ length: FLAT_TURNS }, (_, index) => `${GROW}${index}`);
    await chat(session, 'longdecode', messages);
    const runIds = messages.map((_, index) => `${session}:turn-${index}`);
    const bytes = await inputBytes(runIds);
    // From turn 2 on (turn 1 has no turns to refer to) within a few bytes of turn 2's: the
    // digits of the count and of the run id, where the thread made it grow ~1.3 KB a turn.
    const second = bytes[1] as number;
    expect(second).toBeLessThan(1_000);
    for (const size of bytes.slice(1)) expect(Math.abs(size - second)).toBeLessThan(16);
    // The model got the thread: the last turn's request holds every earlier turn.
    const turns = await store.load(session);
    expect(turns).toHaveLength(FLAT_TURNS);
    const last = requestsWith(`${GROW}${FLAT_TURNS - 1}`).at(-1);
    expect(last).toEqual(thread(turns.slice(0, -1)).concat(turns.at(-1)?.contents[0] as Content));
    // runs.result() and the run-end event rebuild the result's contents from the store.
    const lastRun = runIds.at(-1) as string;
    const result = await fleet.runs.result(lastRun);
    expect(result.contents).toEqual(thread(turns));
    let runEnd: unknown;
    for await (const { event } of fleet.runs.events(lastRun)) {
      if (event.type === 'run-end') runEnd = event.result;
    }
    expect(runEnd).toEqual(result);
    // readRecordedRuns reads it with its history (each request rebuilt from it).
    const recorded = [];
    for await (const run of readRecordedRuns({ databaseUrl: fleet.databaseUrl, runIds: [lastRun] }))
      recorded.push(run);
    expect(recorded).toHaveLength(1);
    expect(JSON.stringify(recorded[0]?.lines)).toContain(`${GROW}0:`);
    if (process.env['STORED_BYTES_PRINT'] === '1') {
      // The same turns with the thread in the input (the default), for the table's "before".
      await chat('inline-chat', 'longdecode', messages, false);
      const inline = await inputBytes(messages.map((_, index) => `inline-chat:turn-${index}`));
      console.log('| turn | input, thread inline | input, by reference |');
      for (const [index, after] of bytes.entries())
        console.log(`| ${index + 1} | ${inline[index]} | ${after} |`);
    }
  });

  it('resumes a turn killed in its tool on another worker, with the thread read again', async () => {
    const session = 'killed-chat';
    await chat(session, 'support', ['Where is order 7?'], false);
    const runId = `${session}:turn-1`;
    writeFileSync(join(fleet.holdDirectory, session), '');
    const sent = sendDurableChatTurn({
      runs: fleet.runs,
      store,
      sessionId: session,
      agent: 'support',
      message: 'And order 8?',
      historyByReference: true,
    });
    const victim = await fleet.killInSlowTool(runId);
    rmSync(join(fleet.holdDirectory, session));
    const result = await sent;
    expect(result.text).toBe('Order 7 shipped; no refund needed.');
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    const turns = await store.load(session);
    expect(turns).toHaveLength(2);
    expect(result.contents).toEqual(thread(turns));
    // Every request of the turn, the taker's included, starts with the first turn.
    const first = turns[0]?.contents as Content[];
    const requests = requestsWith('And order 8?');
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const contents of requests) expect(contents.slice(0, first.length)).toEqual(first);
  });

  it('resumes a turn that waited for approval, with the thread read again', async () => {
    const session = 'approved-chat';
    await chat(session, 'approver', ['Hello'], false);
    const runId = `${session}:turn-1`;
    const sent = sendDurableChatTurn({
      runs: fleet.runs,
      store,
      sessionId: session,
      agent: 'approver',
      message: 'Refund order 7',
      historyByReference: true,
    });
    await waitFor(
      async () => (await fleet.runs.pendingApprovals(runId)).length === 1,
      `${runId} to wait for approval`,
    );
    const [pending] = await fleet.runs.pendingApprovals(runId);
    await fleet.runs.approve(runId, pending?.toolCallId as string, { type: 'approve' });
    const result = await sent;
    expect(result.text).toBe('Refunded order 7.');
    expect(fleet.counter.count(`done refund ${runId}:`)).toBe(1);
    const turns = await store.load(session);
    expect(result.contents).toEqual(thread(turns));
    // The request after the approval (the refund's answer) starts with the greeting turn.
    const afterApproval = requestsWith('Refund order 7').at(-1) as Content[];
    expect(afterApproval.at(-1)?.parts?.[0]?.functionResponse?.name).toBe('refund');
    expect(afterApproval.slice(0, 2)).toEqual(turns[0]?.contents);
  });

  it('fails typed once the session is cleared: a finished turn’s result, a turn that starts after, and recorded runs skip it', async () => {
    const session = 'cleared-chat';
    await chat(session, 'longdecode', [`${GROW}a`, `${GROW}b`]);
    const before = await store.load(session);
    await store.clear(session);
    // Another conversation in its place, as a new first turn after a clear.
    await store.append(session, { contents: [{ role: 'user', parts: [{ text: 'Other' }] }] });
    const read = await fleet.runs.result(`${session}:turn-1`).catch((caught: unknown) => caught);
    expect(DurableChatHistoryError.isInstance(read)).toBe(true);
    expect(read).toMatchObject({
      runId: `${session}:turn-1`,
      sessionId: session,
      expectedTurns: 1,
      foundTurns: 1,
      changed: true,
    });
    // A run started on the turns as they were: the worker refuses it instead of answering.
    const { runId } = await fleet.runs.start('longdecode', {
      runId: `${session}:late`,
      input: `${GROW}c`,
      history: historyReferenceOf(store.table, session, before, undefined),
    });
    const failed = await fleet.runs.result(runId).catch((caught: unknown) => caught);
    expect(DurableRunError.isInstance(failed)).toBe(true);
    const cause = (failed as DurableRunError).cause;
    expect(DurableChatHistoryError.isInstance(cause)).toBe(true);
    expect(cause).toMatchObject({ sessionId: session, expectedTurns: 2, foundTurns: 1 });
    expect(requestsWith(`${GROW}c`)).toEqual([]);
    // readRecordedRuns skips the turn it cannot rebuild and reads on.
    const recorded = [];
    for await (const run of readRecordedRuns({
      databaseUrl: fleet.databaseUrl,
      runIds: [`${session}:turn-0`, `${session}:turn-1`],
    }))
      recorded.push(run.runId);
    expect(recorded).toEqual([`${session}:turn-0`]);
  });
});
