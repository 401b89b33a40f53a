import { describe, expect, it } from 'vitest';
import { StreamError } from '../errors/stream-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createInteractions } from './create-interactions.ts';

// attack47a: an Interactions stream whose later event names another interaction, the id being
// the key (a gateway echoing what it was sent). The stream stops, as it should, but its
// StreamError quoted the id in its message and the whole event in `event`: the one error of the
// stream built outside the request path, so nothing scrubbed it.

const KEY = 'AIzaSyAttack47aInteractionsKeyXXXXXXXXX';

function streamOf(events: object[]) {
  const body = events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
  const gemini = createGemini({
    apiKey: KEY,
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
  });
  return createInteractions(gemini).stream({ model: 'gemini-2.5-flash', input: 'Hi' });
}

async function drain(stream: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _event of stream) {
      // Read to the end.
    }
    return 'ended';
  } catch (error) {
    return error;
  }
}

describe('interactions.stream, an event of another interaction named after the key', () => {
  it.each([
    ['interaction_id', { interaction_id: `other-${KEY}` }],
    ['interaction.id', { interaction: { id: `${'o'.repeat(90)}${KEY}` } }],
  ])('(%s): StreamError, the key in neither message nor event', async (_label, named) => {
    const error = await drain(
      streamOf([
        { event_type: 'interaction.created', interaction: { id: 'i1' }, event_id: 'e1' },
        {
          event_type: 'interaction.status_update',
          status: 'in_progress',
          event_id: 'e2',
          ...named,
        },
      ]),
    );
    expect(StreamError.isInstance(error)).toBe(true);
    expect((error as StreamError).reason).toBe('invalid-chunk');
    expect((error as Error).message).toContain('another interaction');
    expect((error as Error).message).toContain('[redacted]');
    expect((error as StreamError).event).toContain('[redacted]');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(
      KEY.slice(0, 12),
    );
  });
});
