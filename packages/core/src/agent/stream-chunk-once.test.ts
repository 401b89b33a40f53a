import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGemini } from '../http/create-gemini.ts';
import type { AgentEvent } from './agent-event.ts';
import { createAgent } from './create-agent.ts';

// Every piece of text the SSE parser is fed, in order (the parser itself is eventsource-parser's).
const fed = vi.hoisted((): string[] => []);
vi.mock('eventsource-parser', async (importOriginal) => {
  const actual = await importOriginal<typeof import('eventsource-parser')>();
  return {
    ...actual,
    createParser: (config: Parameters<typeof actual.createParser>[0]) => {
      const parser = actual.createParser(config);
      return {
        ...parser,
        feed: (text: string) => {
          fed.push(text);
          parser.feed(text);
        },
      };
    },
  };
});

/**
 * Issue 53 item 8, "a stream chunk passes through the parser once": a streamed chunk goes from the
 * transport's bytes to the events the user reads through each stage once. Its text is fed to the
 * SSE parser once (no piece fed twice, nothing dropped), its event's JSON is parsed once (no
 * second `JSON.parse` of the event, of a piece of it, or of the body), and no part of a parsed
 * chunk is serialised again on its way to the stream's events and result: the fold keeps chunks
 * as data, and writes an entry of a list it unites across chunks (citations) out once, as the key
 * that tells a repeated entry, not once for every later chunk that brings the list. The body arrives in reads cut anywhere (inside a line, inside an event, inside a
 * UTF-8 character), as a network splits it.
 */
const CHUNKS = [
  {
    candidates: [
      {
        content: { role: 'model', parts: [{ text: 'Hé' }] },
        citationMetadata: {
          citationSources: [{ startIndex: 0, endIndex: 2, uri: 'https://a.example' }],
        },
      },
    ],
  },
  {
    candidates: [
      {
        content: { role: 'model', parts: [{ text: 'llo, 🌍' }] },
        citationMetadata: {
          citationSources: [
            { startIndex: 0, endIndex: 2, uri: 'https://a.example' },
            { startIndex: 3, endIndex: 7, uri: 'https://b.example' },
          ],
        },
      },
    ],
  },
  {
    candidates: [
      {
        content: { role: 'model', parts: [{ text: ' world.' }] },
        citationMetadata: {
          citationSources: [{ startIndex: 8, endIndex: 14, uri: 'https://c.example' }],
        },
        finishReason: 'STOP',
      },
    ],
    usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 5, totalTokenCount: 9 },
  },
];
const EVENTS = CHUNKS.map((chunk) => JSON.stringify(chunk));
const BODY = EVENTS.map((data) => `data: ${data}\r\n\r\n`).join('');

/** The body's bytes in reads of `size` bytes (the last shorter), each read its own copy. */
function bodyIn(size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(BODY);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** The objects and arrays inside `value` (itself included). */
function objectsIn(value: unknown, into: Set<object>): Set<object> {
  if (typeof value !== 'object' || value === null || into.has(value)) return into;
  into.add(value);
  for (const item of Object.values(value)) objectsIn(item, into);
  return into;
}

afterEach(() => {
  vi.restoreAllMocks();
  fed.length = 0;
});

describe('a streamed chunk from the bytes to the events', () => {
  // 1: every byte its own read; 5: reads cut inside lines and inside the emoji; whole: one read.
  for (const size of [1, 5, 64, BODY.length * 4]) {
    it(`is fed, parsed and folded once (reads of ${size} bytes)`, async () => {
      const gemini = createGemini({
        apiKey: 'test-key',
        transport: 'fetch',
        fetch: async () =>
          new Response(bodyIn(size), {
            status: 200,
            headers: { 'content-type': 'text/event-stream' },
          }),
      });
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
      // The request path and the loop loaded, so that only the stream's own work is counted.
      await agent.stream('Warm up.').result;
      fed.length = 0;

      const parse = vi.spyOn(JSON, 'parse');
      const stringify = vi.spyOn(JSON, 'stringify');
      const stream = agent.stream('Hi.');
      const events: AgentEvent[] = [];
      for await (const event of stream) events.push(event);
      const result = await stream.result;
      const parsed = parse.mock.calls.map(([text]) => text);
      const chunkObjects = new Set<object>();
      for (const outcome of parse.mock.results) objectsIn(outcome.value, chunkObjects);
      const serialised = stringify.mock.calls
        .map(([value]) => value as unknown)
        .filter((value) =>
          [...objectsIn(value, new Set())].some((found) => chunkObjects.has(found)),
        );
      // The entries of the chunks' citation lists, the one kind of chunk object written out.
      const entries = new Set<unknown>();
      for (const outcome of parse.mock.results) {
        const chunk = outcome.value as (typeof CHUNKS)[number];
        for (const entry of chunk.candidates?.[0]?.citationMetadata.citationSources ?? [])
          entries.add(entry);
      }
      parse.mockRestore();
      stringify.mockRestore();

      // Fed once: the pieces fed are the body's text, each character once, in order (then the
      // blank line that ends a last event a gateway left open, fed when the body ends).
      expect(fed.join('')).toBe(`${BODY}\n\n`);
      // Parsed once: one JSON.parse per event, of that event's data, and no other parse of a
      // chunk's text (a piece of an event, the body, a re-parse of the same event).
      expect(parsed.filter((text) => text.includes('candidates'))).toEqual(EVENTS);
      // Not serialised again on the way to the events and the result: no chunk, candidate,
      // content or part at all; a citation entry at most once (the key it is told by), where
      // uniting the lists wrote every earlier entry out again for each later chunk.
      expect(serialised.filter((value) => !entries.has(value))).toEqual([]);
      expect(new Set(serialised).size).toBe(serialised.length);
      // And what the user reads is each chunk's text once, in order, and the answer folded.
      expect(events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []))).toEqual([
        'Hé',
        'llo, 🌍',
        ' world.',
      ]);
      expect(result.text).toBe('Héllo, 🌍 world.');
      expect(result.steps[0]?.citationMetadata).toEqual({
        citationSources: [
          { startIndex: 0, endIndex: 2, uri: 'https://a.example' },
          { startIndex: 3, endIndex: 7, uri: 'https://b.example' },
          { startIndex: 8, endIndex: 14, uri: 'https://c.example' },
        ],
      });
    });
  }
});
