// attack58: an Interactions stream whose connection drops, reconnected with
// `GET .../interactions/{id}?stream=true&last_event_id=...` to a server (or a proxy that loses
// the query) that answers with the whole stream again. The events before the drop were given once
// already: given again, the caller (and an agent's answer) got the text before the drop twice.
import { createAgent, createGemini } from '@gemloop/core';
import { createInteractions, interactionsApi } from '@gemloop/core/interactions';
import { describe, expect, it } from 'vitest';

const EVENTS = [
  {
    event_id: 'e1',
    event_type: 'interaction.created',
    interaction: { id: 'int-1', status: 'in_progress' },
  },
  { event_id: 'e2', event_type: 'step.start', index: 0, step: { type: 'model_output' } },
  { event_id: 'e3', event_type: 'step.delta', index: 0, delta: { type: 'text', text: 'Hello ' } },
  { event_id: 'e4', event_type: 'step.delta', index: 0, delta: { type: 'text', text: 'world' } },
  { event_id: 'e5', event_type: 'step.stop', index: 0 },
  {
    event_id: 'e6',
    event_type: 'interaction.completed',
    interaction: { id: 'int-1', status: 'completed' },
  },
];
const sse = (events: readonly object[]): string =>
  events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');

/**
 * A server whose first stream sends the first three events and drops; a reconnect gets every
 * event (`replay: true`) or, as the API answers, the ones after `last_event_id`.
 */
function serverOf(replay: boolean) {
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input) => {
    const url = String(input instanceof Request ? input.url : input);
    urls.push(url);
    if (urls.length === 1) {
      let reads = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (reads++ === 0) controller.enqueue(new TextEncoder().encode(sse(EVENTS.slice(0, 3))));
          else controller.error(new TypeError('terminated'));
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    }
    const after = new URL(url).searchParams.get('last_event_id');
    const from = replay ? 0 : EVENTS.findIndex((event) => event.event_id === after) + 1;
    return new Response(sse(EVENTS.slice(from)), {
      headers: { 'content-type': 'text/event-stream' },
    });
  };
  return { urls, gemini: createGemini({ fetch, apiKey: 'test-key', retry: false }) };
}

describe.each([
  ['replays the whole stream', true],
  ['resumes after the last event id', false],
])('a reconnect to a server that %s', (_name, replay) => {
  it('gives each event once', async () => {
    const { urls, gemini } = serverOf(replay);
    const ids: string[] = [];
    for await (const event of createInteractions(gemini).stream({
      model: 'gemini-3-flash-preview',
      input: 'Hi',
    })) {
      ids.push(String(event.event_id));
    }
    expect(ids).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(urls).toHaveLength(2);
    expect(new URL(urls[1] as string).searchParams.get('last_event_id')).toBe('e3');
  });

  it("gives an agent's streamed answer its text once", async () => {
    const { gemini } = serverOf(replay);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      api: interactionsApi({ store: false }),
    });
    const result = await agent.stream('Hi').result;
    expect(result.text).toBe('Hello world');
  });
});
