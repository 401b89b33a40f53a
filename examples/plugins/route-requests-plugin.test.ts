import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createChatSession } from '@gemloop/core/chat';
import { subagent } from '@gemloop/core/composition';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RoutedRequest, routeRequests } from './route-requests-plugin.ts';

// A request-level plugin written outside gemloop (issue 53 item 3), on the fake Gemini: the
// agent's client points at one server, the plugin sends the requests to a second one, in a run,
// a stream, a chat session and a subagent.

const MODEL = 'gemini-3-flash-preview';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperature: 21 }),
});

const SCRIPT = [turn.call('lookup', { city: 'Oslo' }), turn.text('Oslo: 21 degrees.')];

describe('the route-requests plugin (written outside gemloop)', () => {
  it.each(['run', 'stream'] as const)(
    'sends every request to the second server (%s)',
    async (mode) => {
      // The agent's own server has no script: a request that reached it would fail the run.
      const primary = await serve([]);
      const secondary = await serve(SCRIPT);
      const seen: RoutedRequest[] = [];
      const agent = createAgent({
        gemini: primary.gemini,
        model: MODEL,
        tools: [lookup],
        plugins: [
          routeRequests({ to: secondary.gemini, onRequest: (request) => seen.push(request) }),
        ],
      });
      let text: string;
      if (mode === 'run') text = (await agent.run('Weather in Oslo?')).text;
      else {
        const stream = agent.stream('Weather in Oslo?');
        const deltas: string[] = [];
        for await (const event of stream) if (event.type === 'text-delta') deltas.push(event.text);
        text = (await stream.result).text;
        expect(deltas.join('')).toBe(text);
      }
      expect(text).toBe('Oslo: 21 degrees.');
      expect(primary.fake.requests).toEqual([]);
      expect(secondary.fake.modelRequests).toHaveLength(2);
      const kind = mode === 'run' ? 'generate' : 'stream';
      expect(seen).toEqual([
        { kind, route: 'secondary', contents: 1, chunks: expect.any(Number), failed: false },
        { kind, route: 'secondary', contents: 3, chunks: expect.any(Number), failed: false },
      ]);
      for (const request of seen) expect(request.chunks).toBeGreaterThanOrEqual(1);
    },
  );

  it('leaves to the agent’s own client what `when` does not route', async () => {
    const primary = await serve([turn.text('From the primary.')]);
    const secondary = await serve([]);
    const seen: RoutedRequest[] = [];
    const agent = createAgent({
      gemini: primary.gemini,
      model: MODEL,
      plugins: [
        routeRequests({
          to: secondary.gemini,
          when: (input) => input.request.tools !== undefined,
          onRequest: (request) => seen.push(request),
        }),
      ],
    });
    expect((await agent.run('Hi')).text).toBe('From the primary.');
    expect(secondary.fake.requests).toEqual([]);
    expect(seen).toEqual([
      { kind: 'generate', route: 'primary', contents: 1, chunks: 1, failed: false },
    ]);
  });

  it('routes every turn of a chat session, and a subagent’s requests when its agent has it', async () => {
    const primary = await serve([
      turn.call('research', { task: 'Oslo weather' }),
      turn.text('Done: 21 degrees.'),
    ]);
    const secondary = await serve((_request, { lastUserText }) =>
      turn.text(`echo ${lastUserText}`),
    );
    const routed = routeRequests({ to: secondary.gemini });
    const chat = createChatSession({
      agent: createAgent({ gemini: primary.gemini, model: MODEL, plugins: [routed] }),
    });
    expect((await chat.send('one')).text).toBe('echo one');
    expect((await chat.send('two')).text).toBe('echo two');
    await chat.close();
    expect(secondary.fake.modelRequests).toHaveLength(2);
    // The parent on the primary; its subagent's agent routes to the secondary.
    const researcher = createAgent({ gemini: primary.gemini, model: MODEL, plugins: [routed] });
    const parent = createAgent({
      gemini: primary.gemini,
      model: MODEL,
      tools: [subagent(researcher, { name: 'research', description: 'Researches a task.' })],
    });
    expect((await parent.run('Research Oslo.')).text).toBe('Done: 21 degrees.');
    expect(primary.fake.modelRequests).toHaveLength(2);
    expect(secondary.fake.modelRequests).toHaveLength(3);
  });
});
