import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';
import { GOOGLE_GEMINI_BASE_URL } from '../serve/create-fake-msw-handlers.ts';

// The events of a streamed interaction: text and call arguments arrive as deltas the chunk size
// apart, which joined give the answer back, and no delta carries half an emoji (the fake's
// generateContent chunks never do; a lone surrogate is no character, and strict readers refuse it).

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

async function streamEvents(script: () => ReturnType<typeof turn.text>, chunkSize: number) {
  fake = createFakeGemini({ script, chunkSize });
  const response = await fake.fetch(`${GOOGLE_GEMINI_BASE_URL}/v1beta/interactions?alt=sse`, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'k', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gemini-3-flash-preview', input: 'hi', stream: true }),
  });
  expect(response.status).toBe(200);
  return (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}
const deltasOf = (events: Record<string, unknown>[], type: string) =>
  events
    .filter((event) => event['event_type'] === 'step.delta')
    .map((event) => event['delta'] as Record<string, unknown>)
    .filter((delta) => delta['type'] === type);

describe('the events of a streamed interaction', () => {
  it('frames the answer: created first, a start, deltas and a stop per step, then the end', async () => {
    const events = await streamEvents(() => turn.text('Hello there, world.'), 5);
    const types = events.map((event) => event['event_type']);
    expect(types[0]).toBe('interaction.created');
    expect(types.slice(-2)).toEqual(['interaction.status_update', 'interaction.completed']);
    expect(types).toContain('step.start');
    expect(types).toContain('step.stop');
    expect(deltasOf(events, 'text').map((delta) => delta['text'])).toEqual([
      'Hello',
      ' ther',
      'e, wo',
      'rld.',
    ]);
  });

  it('never splits an emoji between text deltas, and the deltas join to the text', async () => {
    const text = `a${'😀'.repeat(7)}b👩‍👩‍👧x`;
    for (const chunkSize of [1, 2, 3, 4]) {
      const events = await streamEvents(() => turn.text(text), chunkSize);
      const pieces = deltasOf(events, 'text').map((delta) => delta['text'] as string);
      expect(pieces.join(''), `chunkSize ${chunkSize}`).toBe(text);
      for (const piece of pieces)
        expect(piece, `chunkSize ${chunkSize}`).not.toMatch(loneSurrogate);
      await fake?.close();
      fake = undefined;
    }
  });

  it('never splits an emoji between argument deltas, and they join to the arguments JSON', async () => {
    const args = { q: '🍣🍣🍣 in 東京', n: 1 };
    const events = await streamEvents(() => turn.call('lookup', args), 3);
    const pieces = deltasOf(events, 'arguments_delta').map((delta) => delta['arguments'] as string);
    expect(pieces.length).toBeGreaterThan(1);
    expect(JSON.parse(pieces.join(''))).toEqual(args);
    for (const piece of pieces) expect(piece).not.toMatch(loneSurrogate);
  });
});
