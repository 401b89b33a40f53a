// attack30: a tree of agents under a hostile model, what held (kept as tests): a model that hands
// a run back and forth without end, thousands of subagent calls in one turn, hostile arguments
// (wrong types, `__proto__` and `constructor` keys), two parents sharing one child agent at once,
// and a parent aborted while its child hangs (in its model call or its tool).

import { createFakeGemini, type FakeGemini, routeByAgent, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Agent } from '../agent/create-agent.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { handoff } from './handoff.ts';
import { subagent } from './subagent.ts';

const model = 'gemini-2.5-flash';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function serve(script: Parameters<typeof createFakeGemini>[0]) {
  const fake = createFakeGemini(script);
  fakes.push(fake);
  return { fake, gemini: createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch }) };
}

describe('a tree of agents under a hostile model', () => {
  for (const mode of ['run', 'stream', 'chat'] as const) {
    it(`ends handoffs back and forth at maxHandOffs, naming it (${mode})`, async () => {
      let calls = 0;
      const { gemini } = serve({
        script: () => turn.call(++calls % 2 === 1 ? 'transfer_to_b' : 'transfer_to_a', {}),
      });
      let a: Agent<undefined> | undefined;
      const back = defineTool({
        name: 'transfer_to_a',
        description: 'Back to a.',
        parameters: z.object({}),
        execute: () => ({ output: 'Transferred to a.' }),
      });
      const b = createAgent({
        gemini,
        model,
        name: 'b',
        tools: [back],
        plugins: [
          definePlugin({
            name: 'back-to-a',
            receivers: () => ({ a: a as Agent<undefined> }),
            afterToolCall: (call) =>
              call.toolName === 'transfer_to_a'
                ? { type: 'hand-off' as const, to: a as Agent<undefined>, name: 'a' }
                : undefined,
          }),
        ],
      });
      a = createAgent({ gemini, model, name: 'a', tools: [handoff(b)] });
      const outcome =
        mode === 'run'
          ? a.run('go')
          : mode === 'stream'
            ? a.stream('go').result
            : createChatSession({ agent: a }).send('go');
      await expect(outcome).rejects.toThrow(/more than the agent's maxHandOffs \(25\) allows/);
      // The 26th hand-off is refused: one model call each, then none.
      expect(calls).toBe(26);
    });
  }

  it('runs a thousand subagent calls of one turn at most toolConcurrency at once, each answered', async () => {
    const count = 1_000;
    let inFlight = 0;
    let most = 0;
    const { fake, gemini } = serve({
      script: routeByAgent([
        {
          match: 'You lead',
          script: [
            turn.calls(
              Array.from({ length: count }, (_, index) => ({
                name: 'search',
                args: { task: `t${index}` },
              })),
            ),
            turn.text('All done.'),
          ],
        },
        {
          match: 'You search',
          script: Array.from({ length: count }, () => async () => {
            most = Math.max(most, ++inFlight);
            // A turn of the event loop: the children started at once meet here.
            await new Promise((resolve) => setTimeout(resolve, 1));
            inFlight--;
            return turn.text('found');
          }),
        },
      ]),
    });
    const child = createAgent({ gemini, model, instructions: 'You search.' });
    const lead = createAgent({
      gemini,
      model,
      instructions: 'You lead.',
      tools: [subagent(child, { name: 'search', description: 'Searches.' })],
    });
    const result = await lead.run('Search everything.');
    expect(result.text).toBe('All done.');
    expect(most).toBe(8);
    expect(fake.modelRequests).toHaveLength(count + 2);
    const responses = result.contents[2]?.parts ?? [];
    expect(responses).toHaveLength(count);
    expect(responses.every((part) => part.functionResponse?.response?.['answer'] === 'found')).toBe(
      true,
    );
  }, 60_000);

  it('answers arguments of the wrong type or with __proto__ and constructor keys as invalid, polluting nothing', async () => {
    const { fake, gemini } = serve({
      script: routeByAgent([
        {
          match: 'You lead',
          script: [
            turn.calls([
              {
                name: 'search',
                args: JSON.parse(
                  '{"task":"x","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}',
                ),
              },
              { name: 'search', args: { task: 5 } },
              { name: 'typed', args: JSON.parse('{"query":"x","__proto__":{"polluted":1}}') },
            ]),
            turn.text('ok'),
          ],
        },
        { match: 'You search', script: [turn.text('found')] },
      ]),
    });
    const child = createAgent({ gemini, model, instructions: 'You search.' });
    const lead = createAgent({
      gemini,
      model,
      instructions: 'You lead.',
      tools: [
        subagent(child, { name: 'search', description: 'Searches.' }),
        subagent(child, {
          name: 'typed',
          description: 'Searches by query.',
          input: z.object({ query: z.string() }),
        }),
      ],
    });
    const result = await lead.run('go');
    const responses = (result.contents[2]?.parts ?? []).map(
      (part) => part.functionResponse?.response,
    );
    expect(JSON.stringify(responses[0])).toContain('__proto__: Unknown property');
    expect(JSON.stringify(responses[1])).toContain('Expected \\"string\\"');
    expect(responses[2]).toEqual({ answer: 'found' });
    // The one child that ran got the arguments as JSON, without the key zod does not know.
    expect(JSON.stringify(fake.modelRequests[1]?.body)).toContain('{\\"query\\":\\"x\\"}');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('keeps two parents that share one subagent at once apart: each child sees its own history and spends on its own tree', async () => {
    const { fake, gemini } = serve({
      script: async (request) => {
        const body = JSON.stringify(request.body);
        const who = body.includes('ada') ? 'ada' : 'bob';
        if (body.includes('You lead')) {
          if (!body.includes('functionResponse')) return turn.call('search', { task: 'look' });
          return turn.text(`${who}: ${body.includes(`child of ${who}`) ? 'own' : 'crossed'}`);
        }
        // The first parent's child answers last: the two children overlap.
        await new Promise((resolve) => setTimeout(resolve, who === 'ada' ? 30 : 1));
        const saw = ['ada', 'bob'].filter((name) => body.includes(name)).join('+');
        return turn.text(`child of ${saw}`);
      },
    });
    const child = createAgent({ gemini, model, instructions: 'You search.' });
    const shared = subagent(child, {
      name: 'search',
      description: 'Searches.',
      history: (contents) => [...contents],
    });
    const ada = createAgent({ gemini, model, instructions: 'You lead.', tools: [shared] });
    const bob = createAgent({ gemini, model, instructions: 'You lead.', tools: [shared] });
    const [first, second] = await Promise.all([
      ada.stream('I am ada.').result,
      bob.run('I am bob.'),
    ]);
    expect(first.text).toBe('ada: own');
    expect(second.text).toBe('bob: own');
    expect(first.usageByAgent?.map((entry) => entry.path)).toEqual([[], ['search#1']]);
    expect(second.usageByAgent?.map((entry) => entry.path)).toEqual([[], ['search#1']]);
    expect(fake.modelRequests).toHaveLength(6);
  });

  for (const mode of ['run', 'stream'] as const) {
    it(`hands the parent model a bounded answer from a child that wrote 5 MB (${mode})`, async () => {
      const { fake, gemini } = serve({
        // Streamed in 100 KB chunks, the 50 events attack30's 50 MB made in 1 MB ones (the fake's
        // default small SSE events would be 37,000 of them). 5 MB is 25 times the 200,000
        // characters the parent may get; the 50 MB cost ~2 s of CPU a run for no more proof
        // (bench/RESULTS.md, test-speed21).
        chunkSize: 100_000,
        script: routeByAgent([
          { match: 'You lead', script: [turn.call('search', { task: 'all' }), turn.text('Read.')] },
          { match: 'You search', script: [turn.text('y'.repeat(5_000_000))] },
        ]),
      });
      const child = createAgent({ gemini, model, instructions: 'You search.' });
      const lead = createAgent({
        gemini,
        model,
        instructions: 'You lead.',
        tools: [subagent(child, { name: 'search', description: 'Searches.' })],
      });
      let events = 0;
      let result: Awaited<ReturnType<typeof lead.run>>;
      if (mode === 'run') result = await lead.run('go');
      else {
        const stream = lead.stream('go');
        for await (const _event of stream) events++;
        result = await stream.result;
      }
      expect(result.text).toBe('Read.');
      if (mode === 'stream') expect(events).toBeGreaterThan(10);
      const toParent = JSON.stringify(fake.modelRequests.at(-1)?.body);
      expect(toParent.length).toBeLessThan(200_000);
      // Cut by the default tool output cap (25,000 tokens), with its marker.
      expect(toParent).toContain('gemloopTruncated');
    }, 60_000);
  }

  it('ends a stream read only for its result when a subagent streams more events than the backlog bound', async () => {
    // 1,000 text chunks of the child: past the 256 unread events a reader's child may have queued.
    const fake = createFakeGemini({
      chunkSize: 10,
      script: routeByAgent([
        { match: 'You lead', script: [turn.call('search', { task: 'all' }), turn.text('Read.')] },
        { match: 'You search', script: [turn.text('y'.repeat(10_000))] },
      ]),
    });
    fakes.push(fake);
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const child = createAgent({ gemini, model, instructions: 'You search.' });
    const lead = createAgent({
      gemini,
      model,
      instructions: 'You lead.',
      tools: [subagent(child, { name: 'search', description: 'Searches.' })],
    });
    // Nobody reads the events: the child was held for a reader that never came, and the run with
    // it (the top agent's own events were never held, "a consumer that reads only result").
    const result = await lead.stream('go').result;
    expect(result.text).toBe('Read.');
    expect(result.contents[2]?.parts?.[0]?.functionResponse?.response).toEqual({
      answer: 'y'.repeat(10_000),
    });
  }, 30_000);

  for (const hang of ['model', 'tool'] as const) {
    it(`stops a child that hangs in its ${hang} when the parent is aborted, leaving no timer or socket`, async () => {
      let started: () => void = () => {};
      const childStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      const fake = createFakeGemini({
        script: routeByAgent([
          { match: 'You lead', script: [turn.call('search', { task: 'wait' }), turn.text('no')] },
          {
            match: 'You search',
            script: [
              hang === 'model'
                ? () => {
                    started();
                    return new Promise<never>(() => {});
                  }
                : turn.call('wait', {}),
              turn.text('never'),
            ],
          },
        ]),
      });
      fakes.push(fake);
      const before = resources();
      const { url } = await fake.listen();
      const gemini = createGemini({ apiKey: 'test-key', retry: false, baseUrl: url });
      const wait = defineTool({
        name: 'wait',
        description: 'Waits, deaf to the signal.',
        parameters: z.object({}),
        execute: () => {
          started();
          return new Promise<never>(() => {});
        },
      });
      const child = createAgent({ gemini, model, instructions: 'You search.', tools: [wait] });
      const lead = createAgent({
        gemini,
        model,
        instructions: 'You lead.',
        tools: [subagent(child, { name: 'search', description: 'Searches.' })],
      });
      const controller = new AbortController();
      const stream = lead.stream('go', { signal: controller.signal });
      const reading = (async () => {
        for await (const _event of stream) {
          // Read to the end.
        }
      })();
      await childStarted;
      controller.abort(new Error('the user left'));
      await expect(reading).rejects.toSatisfy(AgentAbortedError.isInstance);
      await expect(stream.result).rejects.toSatisfy(AgentAbortedError.isInstance);
      expect(fake.modelRequests).toHaveLength(2);
      await fakes.pop()?.close();
      // The child's time limit (10 minutes) and its model call's socket are gone with it (a
      // closed socket leaves the list a turn of the event loop later: waited for, a hang guard).
      expect(await resourcesAdded(before)).toEqual({});
    });
  }
});

/** The process's timers and sockets, by kind. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'Timeout' || kind.startsWith('TCP')) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/**
 * The timers and sockets open now and not before, once there are none, or after 20 s (a hang
 * guard). Polled with a timer that has fired by the time it is counted (vi.waitFor's would count).
 */
async function resourcesAdded(before: Record<string, number>): Promise<Record<string, number>> {
  const added = (): Record<string, number> =>
    Object.fromEntries(
      Object.entries(resources()).filter(([kind, count]) => count > (before[kind] ?? 0)),
    );
  const deadline = Date.now() + 20_000;
  while (Object.keys(added()).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return added();
}
