// attack58: an Interactions stream from a server (or a proxy) that breaks the event protocol:
// function call steps without an `index`, or a second call started on the index of one still open;
// a `status_update` that names no status, then a cut. What the model asked must not vanish
// silently, and a stream cut while running must read as cut.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { interactionsApi } from '@gemloop/core/interactions';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const MODEL = 'gemini-3-flash-preview';

/** A client whose every Interactions create answers with the next of `bodies` as SSE. */
function serverOf(bodies: Record<string, unknown>[][]) {
  let index = 0;
  return createGemini({
    baseUrl: 'http://127.0.0.1:9/v1beta',
    apiKey: 'test-key',
    retry: false,
    fetch: async () => {
      const events = bodies[Math.min(index++, bodies.length - 1)] ?? [];
      const body = events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    },
  });
}

const created = (id: string) => ({
  event_type: 'interaction.created',
  interaction: { id, status: 'in_progress' },
});
const completed = (id: string, status: string) => ({
  event_type: 'interaction.completed',
  interaction: { id, status },
});
const callStart = (index: number | undefined, id: string, city: string) => ({
  event_type: 'step.start',
  ...(index === undefined ? {} : { index }),
  step: { type: 'function_call', id, name: 'weather', arguments: { city } },
});
const answer = (id: string) => [
  created(id),
  { event_type: 'step.start', index: 0, step: { type: 'model_output' } },
  { event_type: 'step.delta', index: 0, delta: { type: 'text', text: 'Both sunny.' } },
  { event_type: 'step.stop', index: 0 },
  completed(id, 'completed'),
];

function weatherTool(seen: string[]) {
  return defineTool({
    name: 'weather',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => {
      seen.push(city);
      return 'sunny';
    },
  });
}

describe('an Interactions stream that breaks the event protocol', () => {
  it.each([
    ['without an index', undefined, undefined],
    ['on the index of a call still open', 0, 0],
  ])('keeps every function call started %s', async (_name, first, second) => {
    const seen: string[] = [];
    const gemini = serverOf([
      [
        created('int-1'),
        callStart(first, 'c1', 'Paris'),
        callStart(second, 'c2', 'Oslo'),
        { event_type: 'step.stop', ...(second === undefined ? {} : { index: second }) },
        completed('int-1', 'requires_action'),
      ],
      answer('int-2'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [weatherTool(seen)],
      api: interactionsApi({ store: false }),
    });
    const result = await agent.stream('Weather in Paris and Oslo?').result;
    expect(seen.sort()).toEqual(['Oslo', 'Paris']);
    expect(result.steps[0]?.toolCalls.map((call) => call.args)).toEqual([
      { city: 'Paris' },
      { city: 'Oslo' },
    ]);
    expect(result.text).toBe('Both sunny.');
  });

  it('reads a stream cut after a status_update that names no status as cut, not as ended', async () => {
    const cut = [
      created('int-1'),
      { event_type: 'step.start', index: 0, step: { type: 'model_output' } },
      { event_type: 'step.delta', index: 0, delta: { type: 'text', text: 'Half an ans' } },
    ];
    const finishOf = async (events: Record<string, unknown>[]) => {
      const agent = createAgent({
        gemini: serverOf([events]),
        model: MODEL,
        api: interactionsApi({ store: false }),
      });
      const result = await agent.stream('Hi').result;
      return result.steps[0]?.finishReason;
    };
    // The same stream cut with no update: an interrupted step (no finish reason), not 'OTHER',
    // which would pass the half answer off as a finished one.
    expect(await finishOf(cut)).toBeUndefined();
    expect(
      await finishOf([
        ...cut,
        { event_type: 'interaction.status_update', interaction_id: 'int-1' },
      ]),
    ).toBeUndefined();
  });
});
