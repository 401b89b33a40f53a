import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent, PluginEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createMemoryToolResultStore } from './create-memory-tool-result-store.ts';
import { toolResultCache } from './tool-result-cache.ts';

// Attack (economy68): the clock a TTL is read by goes backwards (an NTP step, a VM restored from a
// snapshot, the `now` option fed by a clock of the app's), or a fleet worker whose clock runs ahead
// writes an entry others read. An entry's expiry is `now() + ttlMs` when kept: after the clock
// stepped back an hour, a result kept with a 60 s TTL was served for an hour and a minute. An entry
// is never served longer than its tool's `ttlMs` from the clock that reads it: one whose expiry lies
// further ahead than that was written by a clock ahead of this one and is dropped as expired.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const HOUR = 3_600_000;
const TTL = 60_000;

async function twoReads(steps: (() => void)[]) {
  let step = 0;
  const fake = createFakeGemini({
    script: [
      turn.call('read', { q: 'a' }),
      () => {
        steps[step++]?.();
        return turn.call('read', { q: 'a' });
      },
      () => {
        steps[step++]?.();
        return turn.text('done');
      },
    ],
  });
  fakes.push(fake);
  const { url } = await fake.listen();
  return {
    fake,
    gemini: createGemini({ baseUrl: url, apiKey: 'AIzaClock-0123456789', retry: false }),
  };
}

/** A read tool counting its runs. */
function readTool() {
  let count = 0;
  const read = defineTool({
    name: 'read',
    description: 'Reads.',
    parameters: z.object({ q: z.string() }),
    execute: () => ({ n: ++count }),
  });
  return { read, runs: () => count };
}

describe('toolResultCache with a clock that goes backwards', () => {
  for (const mode of ['run', 'stream'] as const) {
    it(`does not serve an entry past its TTL after the clock stepped back an hour (${mode})`, async () => {
      let clock = 10 * HOUR;
      const { gemini } = await twoReads([
        // Between the two calls the clock steps back an hour, then 61 s pass: the entry is 61 s
        // old by any real measure, past its 60 s TTL.
        () => {
          clock = clock - HOUR + TTL + 1_000;
        },
      ]);
      const { read, runs } = readTool();
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [read] });
      const plugins = [
        toolResultCache({ tools: { read: { effect: 'read', ttlMs: TTL } }, now: () => clock }),
      ];
      const events: AgentEvent[] = [];
      if (mode === 'run') await agent.run('go', { plugins });
      else {
        const stream = agent.stream('go', { plugins });
        for await (const event of stream) events.push(event as AgentEvent);
        await stream.result;
      }
      expect(runs()).toBe(2);
      if (mode === 'stream')
        expect(
          events.filter((e): e is PluginEvent => e.type === 'plugin' && e.kind === 'hit'),
        ).toEqual([]);
    });

    it(`does not serve a fleet entry a worker whose clock ran an hour ahead wrote (${mode})`, async () => {
      const store = createMemoryToolResultStore();
      const { read, runs } = readTool();
      const ahead = 10 * HOUR + HOUR;
      let clock = 10 * HOUR;
      const { gemini } = await twoReads([]);
      const tools = { read: { effect: 'read', ttlMs: TTL } } as const;
      // The worker ahead keeps the first result; this worker reads it 61 s later by its own clock.
      const fast = toolResultCache({ tools, scope: 'fleet', store, user: 'u1', now: () => ahead });
      const slow = toolResultCache({ tools, scope: 'fleet', store, user: 'u1', now: () => clock });
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [read] });
      await agent.run('go', { plugins: [fast] });
      expect(runs()).toBe(1);
      const fake2 = await twoReads([]);
      const agent2 = createAgent({
        gemini: fake2.gemini,
        model: 'gemini-2.5-flash',
        tools: [read],
      });
      clock += TTL + 1_000;
      if (mode === 'run') await agent2.run('go', { plugins: [slow] });
      else {
        const stream = agent2.stream('go', { plugins: [slow] });
        for await (const _ of stream);
        await stream.result;
      }
      // The fast worker's entry is not served (its expiry is an hour past this clock's TTL): the
      // first call runs the tool, the second is served what that call kept.
      expect(runs()).toBe(2);
    });
  }

  it('still serves an entry within its TTL on a steady clock', async () => {
    let clock = 10 * HOUR;
    const { gemini } = await twoReads([
      () => {
        clock += TTL - 1;
      },
    ]);
    const { read, runs } = readTool();
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [read] });
    await agent.run('go', {
      plugins: [
        toolResultCache({ tools: { read: { effect: 'read', ttlMs: TTL } }, now: () => clock }),
      ],
    });
    expect(runs()).toBe(1);
  });
});
