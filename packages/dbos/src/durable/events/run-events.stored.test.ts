import { DBOS } from '@dbos-inc/dbos-sdk';
import type { AgentEvent } from '@gemloop/core';
import { createScanMemo, IndexedKeyHold } from '@gemloop/core/internal';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createRunEventBuffer,
  type EventBatch,
  flushRunEvents,
  pushRunEvent,
  withTimedFlush,
} from './run-events.ts';

// leftovers62 (issue 53): a durable run that pauses (approval, webhook) or is taken over runs
// again from its start in a new execution with a new buffer, and emitted, scanned and wrote
// every event of the run so far again: k pauses cost k + 1 scans and writes of the run. An
// execution that replayed a model's answer now asks how many events the stream holds
// (`storedEvents`) and skips them. Counted here without Postgres: the stream is the writes
// DBOS.writeStream was given, the scan the hold-back's memo count.

/** The client's key, Google-shaped: step 2's tool output holds it. */
const KEY = 'AIzaSyD-paused-run-0123456789abcdefghij';
const OUTPUT_CHARS = 1000;
const PAUSES = 5;
/** The steps each execution adds before it pauses. */
const STEPS_EACH = 4;

/** The events of step `step`, new objects each time (a replay makes them again). */
function stepEvents(step: number, changed = false): AgentEvent<unknown>[] {
  const output = `${step === 2 ? `the key is ${KEY} ` : ''}${changed ? 'changed ' : ''}${'y'.repeat(OUTPUT_CHARS)}`;
  return [
    { type: 'step-start', path: [], stepNumber: step, kind: 'tools' },
    { type: 'text-delta', path: [], stepNumber: step, text: `Looking up ${step}.` },
    { type: 'tool-call', path: [], stepNumber: step, id: `c${step}`, name: 'lookup', args: {} },
    { type: 'tool-result', path: [], stepNumber: step, id: `c${step}`, name: 'lookup', output },
    { type: 'step-end', path: [], step: { stepNumber: step, text: '', output } },
  ] as unknown as AgentEvent<unknown>[];
}

/** What readers read of the stream: the first event written at each index. */
function readerView(stream: readonly EventBatch[]): AgentEvent<unknown>[] {
  const view: AgentEvent<unknown>[] = [];
  for (const { from, events } of stream) {
    events.forEach((event, offset) => {
      if (view.length === from + offset) view.push(event);
    });
  }
  return view;
}

type Execution = { scanned: number; written: number; asked: number };

/**
 * Runs the run's executions: each replays the steps of the earlier ones (their events pushed
 * before any step body runs), then runs `STEPS_EACH` new steps (each a step body, then its
 * events), and pauses (the approval's write) or, the last one, ends. `changedAt`: the execution
 * whose replay of step 1 emits another tool output than the one stored (nondeterminism).
 */
async function runPausedRun(changedAt?: number): Promise<{
  stream: EventBatch[];
  executions: Execution[];
}> {
  const stream: EventBatch[] = [];
  vi.spyOn(DBOS, 'writeStream').mockImplementation(async (_key, value) => {
    stream.push(structuredClone(value as EventBatch));
  });
  const executions: Execution[] = [];
  for (let execution = 0; execution <= PAUSES; execution++) {
    let asked = 0;
    const buffer = createRunEventBuffer(
      () => [KEY],
      async () => {
        asked += 1;
        const last = stream.at(-1);
        return last === undefined ? 0 : last.from + last.events.length;
      },
    );
    const memo = createScanMemo();
    buffer.hold = new IndexedKeyHold(buffer.keys, memo);
    const before = stream.reduce((total, { events }) => total + events.length, 0);
    for (let step = 1; step <= execution * STEPS_EACH; step++) {
      for (const event of stepEvents(step, execution === changedAt && step === 1)) {
        pushRunEvent(buffer, event);
      }
    }
    for (let step = execution * STEPS_EACH + 1; step <= (execution + 1) * STEPS_EACH; step++) {
      await withTimedFlush(buffer, 60_000, async () => {});
      for (const event of stepEvents(step)) pushRunEvent(buffer, event);
    }
    await flushRunEvents(buffer, execution === PAUSES);
    const after = stream.reduce((total, { events }) => total + events.length, 0);
    executions.push({ scanned: memo.scannedChars, written: after - before, asked });
  }
  return { stream, executions };
}

describe('a durable run executed again skips what its stream holds (leftovers62)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a run paused 5 times scans and writes each event once, and the key reaches no reader', async () => {
    const { stream, executions } = await runPausedRun();
    const perExecution = STEPS_EACH * stepEvents(1).length;
    // Each execution writes its own steps' events only; the first asks nothing (a fresh run).
    expect(executions.map(({ written }) => written)).toEqual(
      Array.from({ length: PAUSES + 1 }, () => perExecution),
    );
    expect(executions.map(({ asked }) => asked)).toEqual([0, 1, 1, 1, 1, 1]);
    // Scanned: each execution its own four outputs (8,780 characters from the second on; the
    // first 11,073), whatever came before. Before, execution k scanned k + 1 executions' worth:
    // 19,853 the second, 55,003 the sixth; and wrote 40, ..., 120 events.
    const [first] = executions;
    for (const { scanned } of executions) {
      expect(scanned).toBeGreaterThan(STEPS_EACH * OUTPUT_CHARS);
      expect(scanned).toBeLessThan(1.5 * (first as Execution).scanned);
    }
    const read = readerView(stream);
    expect(read).toHaveLength((PAUSES + 1) * perExecution);
    expect(JSON.stringify(stream)).not.toContain(KEY);
    expect(JSON.stringify(read[8])).toContain('the key is [redacted]');
    // Every index is written once: entries follow each other.
    stream.forEach((entry, at) => {
      const previous = stream[at - 1];
      expect(entry.from).toBe(previous === undefined ? 0 : previous.from + previous.events.length);
    });
  });

  it('a replay that emits another event at a stored index leaves the stored one to readers, as before', async () => {
    const { stream: steady } = await runPausedRun();
    vi.restoreAllMocks();
    const { stream, executions } = await runPausedRun(3);
    // Readers kept the first event at each index when a replay wrote it again; now it is not
    // written again: what they read is the same, and the changed output is in no entry.
    expect(readerView(stream)).toEqual(readerView(steady));
    expect(JSON.stringify(stream)).not.toContain('changed');
    expect(executions[3]?.written).toBe(STEPS_EACH * stepEvents(1).length);
  });
});
