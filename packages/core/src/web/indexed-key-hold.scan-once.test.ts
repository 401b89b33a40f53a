import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createScanMemo } from '../shared/scan-memo.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { IndexedKeyHold } from './indexed-key-hold.ts';

// leftovers61 (issue 53): a durable run's events go through one IndexedKeyHold each (the store a
// page resumes from by index), each event scrubbed once as it comes; readers resuming read the
// stored events, never scanned again. But a tool's output is in its `tool-result`, its step's
// `step-end` and the `run-end`'s result, and each was scanned: the hold now keeps a memo for the
// run, as a door's send does. Counted through the memo, not timed.

/** The client's key, Google-shaped; a tool's output at one step holds it. */
const KEY = 'AIzaSyD-indexed-once-0123456789abcdefgh';
const OUTPUT_CHARS = 1000;
const STEPS = 40;
const KEY_AT = 3;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The events of a run of `STEPS` model calls, each but the last a tool call of ~1,000 characters out. */
async function longRunEvents(): Promise<AgentEvent<unknown>[]> {
  let called = 0;
  const fake = createFakeGemini({
    script: () => {
      called += 1;
      return called < STEPS ? turn.call('lookup', { q: `q${called}` }) : turn.text('Done.');
    },
  });
  closers.push(() => fake.close());
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks a word up.',
    parameters: z.object({ q: z.string() }),
    execute: ({ q }) =>
      `${q}: ${q === `q${KEY_AT}` ? `(the key is ${KEY}) ` : ''}${'y'.repeat(OUTPUT_CHARS)}`,
  });
  const gemini = createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch });
  const agent = createAgent({
    gemini,
    model: 'gemini-3-flash-preview',
    tools: [lookup],
    maxSteps: STEPS + 1,
  });
  const events: AgentEvent<unknown>[] = [];
  for await (const event of agent.stream('Look everything up.')) events.push(event);
  return events;
}

describe("a durable run's key hold scans each text of the run once (leftovers61)", () => {
  it("the key in an old step's output is in no stored event, and each output is scanned once", async () => {
    const events = await longRunEvents();
    // The key's output is in the later events too (its step-end, the run-end's result).
    expect(events.filter((event) => JSON.stringify(event).includes(KEY)).length).toBeGreaterThan(2);
    const memo = createScanMemo();
    const hold = new IndexedKeyHold(() => [KEY], memo);
    const stored: AgentEvent<unknown>[] = [];
    events.forEach((event, index) => {
      for (const out of hold.push(index, event)) stored[out.index] = out.event;
    });
    for (const out of hold.end()) stored[out.index] = out.event;
    expect(stored).toHaveLength(events.length);
    const written = JSON.stringify(stored);
    expect(written).not.toContain(KEY);
    expect(written).toContain('(the key is [redacted])');
    expect(written).toContain('Done.');
    // Without the memo each output was scanned in its tool-result (twice: the output and the
    // response), its step-end and the run-end: 8,429 characters a step, measured (~337,000 here).
    // With it, ~4,400 a step: what is left is each output's first scans and the short texts.
    expect(memo.scannedChars).toBeGreaterThan(STEPS * OUTPUT_CHARS);
    expect(memo.scannedChars).toBeLessThan(STEPS * OUTPUT_CHARS * 6);
  });
});
