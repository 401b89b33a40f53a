import { describe, expect, it } from 'vitest';
import { createGemini } from '../http/create-gemini.ts';
import type { AgentEvent } from '../run/agent-event.ts';
import { createAgent } from './create-agent.ts';

// attack42c: what grounding, citations and URL context a hostile model or gateway sends beside an
// answer (gemini-wire.md §3.4 for the real shapes; §8: `groundingMetadata` is `{}` on all chunks
// but the last). The loop hands it on as data: the result, the `grounding` event and the history
// hold the same thing streamed and unary; the model's Content goes back exactly as it came; a
// field that changes shape between a stream's chunks, or is no object at all, is no TypeError of
// gemloop's own.

const PARTS = [{ text: 'Grounded ' }, { text: 'answer.', thoughtSignature: 'c2ln' }];
const TEXT = 'Grounded answer.';

function hostileMetadata() {
  const chunks: unknown[] = [
    { web: { uri: 'javascript:alert(1)', title: 'gpj.\u202Eexe\u0000\uD800' } },
    { web: { uri: 'data:text/html,<script>alert(1)</script>' } },
    { retrievedContext: { uri: 'file:///etc/passwd', title: null } },
    { web: { uri: `https://huge.example/${'a'.repeat(100_000)}` } },
  ];
  for (let index = 0; index < 100_000; index += 1)
    chunks.push({ web: { uri: `https://x/${index}` } });
  return {
    groundingMetadata: {
      groundingChunks: chunks,
      groundingSupports: [
        {
          segment: { startIndex: -1, endIndex: 1e12, text: 'x' },
          groundingChunkIndices: [-1, 1e9],
        },
        { segment: 'segment', groundingChunkIndices: 'all' },
      ],
      searchEntryPoint: {
        renderedContent: '<script>alert(1)</script><img src=x onerror=alert(1)>',
      },
      webSearchQueries: ['', null, 7],
    },
    citationMetadata: {
      citationSources: [{ uri: 'vbscript:msgbox(1)', startIndex: 5, endIndex: 2 }],
    },
    urlContextMetadata: { urlMetadata: [{ retrievedUrl: 'http://169.254.169.254/' }] },
  };
}

type Body = Record<string, unknown>;

// JSON text, not a deep equality: 100,000 chunks compared key by key took seconds at load.
const json = (value: unknown) => JSON.stringify(value);

function agentAnswering(bodies: Body[], streamed: boolean) {
  const fetch = async (): Promise<Response> =>
    streamed
      ? new Response(bodies.map((body) => `data: ${JSON.stringify(body)}\r\n\r\n`).join(''), {
          headers: { 'content-type': 'text/event-stream' },
        })
      : Response.json(bodies[0]);
  const gemini = createGemini({ apiKey: 'test-key', baseUrl: 'https://gateway.test', fetch });
  return createAgent({ gemini, model: 'gemini-2.5-flash' });
}

async function runOnce(bodies: Body[], streamed: boolean) {
  const agent = agentAnswering(bodies, streamed);
  const events: AgentEvent<unknown>[] = [];
  if (!streamed) return { result: await agent.run('Search.'), events: undefined };
  const stream = agent.stream('Search.');
  for await (const event of stream) events.push(event);
  return { result: await stream.result, events };
}

const candidate = (fields: Body, parts: unknown[], finish = true): Body => ({
  candidates: [
    {
      content: { role: 'model', parts },
      index: 0,
      ...(finish ? { finishReason: 'STOP' } : {}),
      ...fields,
    },
  ],
});

describe('hostile grounding beside an answer (attack42c)', () => {
  it('is the same data streamed and unary, and the history keeps the Content verbatim', async () => {
    const metadata = hostileMetadata();
    const unary = await runOnce([candidate(metadata, PARTS)], false);
    // As Google streams it: `{}` on the first chunk, the whole metadata on the last.
    const streamed = await runOnce(
      [candidate({ groundingMetadata: {} }, [PARTS[0]], false), candidate(metadata, [PARTS[1]])],
      true,
    );
    for (const { result, events } of [unary, streamed]) {
      expect(result.text).toBe(TEXT);
      const step = result.steps[0]!;
      expect(json(step.grounding)).toBe(json(metadata.groundingMetadata));
      expect(step.citationMetadata).toEqual(metadata.citationMetadata);
      expect(step.urlContextMetadata).toEqual(metadata.urlContextMetadata);
      expect(json(result.grounding)).toBe(json([metadata.groundingMetadata]));
      if (events !== undefined) {
        const grounding = events.filter((event) => event.type === 'grounding');
        expect(grounding).toHaveLength(1);
        expect(json(grounding[0])).toContain(json(metadata.groundingMetadata));
      }
    }
    // The model's Content goes back exactly as it came, none of the metadata in it.
    expect(unary.result.contents.at(-1)).toEqual({ role: 'model', parts: PARTS });
    // The stream's text parts folded as the stream fold does (the signature on the text it ends).
    expect(streamed.result.contents.at(-1)).toEqual({
      role: 'model',
      parts: [{ text: TEXT, thoughtSignature: 'c2ln' }],
    });
  });

  const shapes: [string, unknown[]][] = [
    [
      'groundingMetadata: an object, then a string, a list, a number',
      [{ groundingChunks: [{ web: { uri: 'https://a' } }] }, 'grounding', [1, 2], 7],
    ],
    ['groundingMetadata: a string, then an object', ['grounding', { webSearchQueries: ['q'] }]],
    [
      'groundingMetadata: its lists turned into strings and back',
      [
        { groundingChunks: [{ web: { uri: 'https://a' } }], groundingSupports: [] },
        { groundingChunks: 'chunks', groundingSupports: { 0: 1 } },
        { groundingChunks: [null, 'x', 5] },
      ],
    ],
  ];
  for (const [name, values] of shapes) {
    it(`${name}: the answer, and the last chunk's shape`, async () => {
      const bodies = values.map((value, index) =>
        candidate(
          { groundingMetadata: value },
          [{ text: index === 0 ? 'Grounded ' : index === values.length - 1 ? 'answer.' : '' }],
          index === values.length - 1,
        ),
      );
      const { result } = await runOnce(bodies, true);
      expect(result.text).toBe(TEXT);
      expect(() => JSON.stringify(result)).not.toThrow();
    });
  }

  const otherShapes: [string, Body[]][] = [
    [
      'citations: a list, then a string, then a list again',
      [
        { citationMetadata: { citationSources: [{ uri: 'https://a' }] } },
        { citationMetadata: { citationSources: 'sources' } },
        { citationMetadata: { citationSources: [{ uri: 'https://b' }], citations: 3 } },
      ],
    ],
    [
      'citationMetadata and urlContextMetadata: strings, then objects',
      [
        { citationMetadata: 'c', urlContextMetadata: 'u' },
        {
          citationMetadata: { citations: [{ uri: 'https://a' }] },
          urlContextMetadata: { urlMetadata: 'x' },
        },
        { urlContextMetadata: { urlMetadata: [{ retrievedUrl: 'https://a' }] } },
      ],
    ],
  ];
  for (const [name, fields] of otherShapes) {
    it(`${name}: the answer`, async () => {
      const bodies = fields.map((each, index) =>
        candidate(
          each,
          [{ text: index === 0 ? 'Grounded ' : index === fields.length - 1 ? 'answer.' : '' }],
          index === fields.length - 1,
        ),
      );
      const { result } = await runOnce(bodies, true);
      expect(result.text).toBe(TEXT);
      expect(() => JSON.stringify(result)).not.toThrow();
    });
  }
});
