import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { toDurableEventStreamResponse } from './to-durable-event-stream-response.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// A plugin's events (`run.emit`) reach a page only for the plugins the server names
// (`pluginEvents`): a plugin writes its data for spans and recordings, not for every page.

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks up.',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => `found ${q}`,
});

/** Two plugins reporting in the tool call: one for pages, one not; one report too big to send. */
function agentWithPlugins() {
  const fake = createFakeGemini({ script: [turn.call('lookup', { q: 'a' }), turn.text('Done.')] });
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  const asking = definePlugin({
    name: 'asking',
    async wrapToolCall(_call, next, run) {
      run.emit('pending', { id: 'q-1', message: 'How many?' });
      run.emit('huge', { blob: 'x'.repeat(20_000) });
      run.emit('bare');
      return next();
    },
  });
  const internal = definePlugin({
    name: 'internal',
    afterToolCall(_result, run) {
      run.emit('cost', { secretish: 'server-side only' });
    },
  });
  return createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools: [lookup],
    plugins: [asking, internal],
  });
}

describe('pluginEvents', () => {
  it('sends the events of the plugins named, with their data up to 16 KB', async () => {
    const response = toEventStreamResponse(agentWithPlugins().stream('Look a up'), {
      pluginEvents: ['asking'],
    });
    const { events } = parseSse(await readBody(response.body as ReadableStream<Uint8Array>));
    const plugin = events.filter((event) => event.event === 'plugin').map((event) => event.data);
    expect(plugin).toEqual([
      {
        type: 'plugin',
        path: [],
        plugin: 'asking',
        kind: 'pending',
        stepNumber: 1,
        data: { id: 'q-1', message: 'How many?' },
      },
      {
        type: 'plugin',
        path: [],
        plugin: 'asking',
        kind: 'huge',
        stepNumber: 1,
        dataOmitted: true,
      },
      { type: 'plugin', path: [], plugin: 'asking', kind: 'bare', stepNumber: 1 },
    ]);
    // Between the call and its result, as the run made them.
    const types = events.map((event) => event.event);
    expect(types.indexOf('tool-call')).toBeLessThan(types.indexOf('plugin'));
    expect(types.lastIndexOf('plugin')).toBeLessThan(types.indexOf('tool-result'));
  });

  it('sends none by default', async () => {
    const response = toEventStreamResponse(agentWithPlugins().stream('Look a up'));
    const text = await readBody(response.body as ReadableStream<Uint8Array>);
    expect(text).not.toContain('event: plugin');
    expect(text).not.toContain('server-side only');
  });

  it('sends a durable run’s stored plugin events the same way', async () => {
    const stored = [
      {
        type: 'plugin',
        path: ['sub#1'],
        plugin: 'asking',
        kind: 'pending',
        stepNumber: 2,
        data: { id: 'q' },
      },
      { type: 'plugin', path: [], plugin: 'internal', kind: 'cost', stepNumber: 2 },
    ];
    const response = toDurableEventStreamResponse(
      { headers: {} },
      {
        runId: 'run-d',
        pluginEvents: ['asking'],
        events: async function* () {
          for (const [offset, event] of stored.entries()) yield { offset, event } as never;
        },
        ended: async () => ({ outcome: 'aborted' }),
      },
    );
    const { events } = parseSse(await readBody(response.body as ReadableStream<Uint8Array>));
    expect(events.filter((event) => event.event === 'plugin').map((event) => event.data)).toEqual([
      {
        type: 'plugin',
        path: ['sub#1'],
        plugin: 'asking',
        kind: 'pending',
        stepNumber: 2,
        data: { id: 'q' },
      },
    ]);
  });

  it('refuses what is not a list of plugin names', () => {
    for (const bad of ['asking', [1], [''], {}]) {
      const source = Object.assign((async function* () {})(), { abort() {} });
      expect(() => toEventStreamResponse(source, { pluginEvents: bad as never })).toThrow(
        InvalidArgumentError,
      );
    }
  });
});
