import { createFakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';

// leftovers60: a grounded model call's sources on its generate_content span. The GenAI
// conventions have no attribute for them (gen_ai.retrieval.documents is a retrieval span's), so
// gemloop's own: the count always, the URIs and titles only with content capture, bounded, and
// redacted as the span's other content is.

const API_KEY = 'grounding-test-key-0123456789';

/** The model-call spans of one run of `script`'s turns, with content captured or not. */
async function modelCallSpans(script: FakeTurn[], recordContent: boolean) {
  const fake = createFakeGemini({ script });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const agent = createAgent({
    gemini: createGemini({ apiKey: API_KEY, retry: false, fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
    telemetry: { tracerProvider, conventions: 'latest', recordContent },
  });
  await agent.run('Who won?');
  return exporter
    .getFinishedSpans()
    .filter((span: ReadableSpan) => span.name.startsWith('generate_content'));
}

const sources = [
  { uri: 'https://example.test/a', title: 'a.example' },
  { uri: 'https://example.test/b', title: 'b.example' },
];

describe("a grounded model call's span", () => {
  it('counts its sources, and lists their URIs and titles only when content is captured', async () => {
    const [plain] = await modelCallSpans([turn.grounded('Spain won.', { sources })], false);
    expect(plain?.attributes['gemloop.grounding.source_count']).toBe(2);
    expect(plain?.attributes['gemloop.grounding.sources']).toBeUndefined();
    expect(JSON.stringify(plain?.attributes)).not.toContain('example.test');

    const [captured] = await modelCallSpans([turn.grounded('Spain won.', { sources })], true);
    expect(captured?.attributes['gemloop.grounding.source_count']).toBe(2);
    expect(JSON.parse(captured?.attributes['gemloop.grounding.sources'] as string)).toEqual(
      sources,
    );
  });

  it('lists 20 sources at most, each cut, with the count of all', async () => {
    const many = Array.from({ length: 30 }, (_, index) => ({
      uri: `https://example.test/${index}/${'x'.repeat(5000)}`,
      title: `${index} ${'t'.repeat(1000)}`,
    }));
    const [span] = await modelCallSpans([turn.grounded('Many.', { sources: many })], true);
    expect(span?.attributes['gemloop.grounding.source_count']).toBe(30);
    const listed = JSON.parse(span?.attributes['gemloop.grounding.sources'] as string) as {
      uri: string;
      title: string;
    }[];
    expect(listed).toHaveLength(20);
    expect(listed[19]?.uri.startsWith('https://example.test/19/')).toBe(true);
    expect(listed[0]?.uri.length).toBeLessThan(2100);
    expect(listed[0]?.uri).toMatch(/characters omitted\]$/);
    expect(listed[0]?.title.length).toBeLessThan(300);
  });

  it('never carries the API key a source quotes (redacted as the rest of the span)', async () => {
    const leaky = [{ uri: `https://example.test/?key=${API_KEY}`, title: `key ${API_KEY}` }];
    const [span] = await modelCallSpans([turn.grounded('Leaky.', { sources: leaky })], true);
    const listed = span?.attributes['gemloop.grounding.sources'] as string;
    expect(listed).toContain('https://example.test/?key=');
    expect(listed).not.toContain(API_KEY);
  });

  it('reads a File Search store in place of a URI, and has nothing on an ungrounded call', async () => {
    const fileSearch = turn.text('From the files.', {
      groundingMetadata: {
        groundingChunks: [
          { retrievedContext: { fileSearchStore: 'fileSearchStores/s1', title: 'doc.pdf' } },
          'not a chunk' as never,
        ],
      },
    });
    const [span] = await modelCallSpans([fileSearch], true);
    expect(JSON.parse(span?.attributes['gemloop.grounding.sources'] as string)).toEqual([
      { uri: 'fileSearchStores/s1', title: 'doc.pdf' },
      { uri: null, title: null },
    ]);
    const [plain] = await modelCallSpans([turn.text('Hi.')], true);
    expect(plain?.attributes['gemloop.grounding.source_count']).toBeUndefined();
    expect(plain?.attributes['gemloop.grounding.sources']).toBeUndefined();
  });
});
