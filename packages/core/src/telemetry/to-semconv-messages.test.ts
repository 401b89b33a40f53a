import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { Content } from '../wire/content.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { toInputMessages, toOutputMessages, toSystemInstructions } from './to-semconv-messages.ts';

describe('toInputMessages', () => {
  it('maps roles and parts to the conventions, leaving inline data out', () => {
    const contents: Content[] = [
      {
        role: 'user',
        parts: [{ text: 'Hi' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
      },
      {
        role: 'model',
        parts: [
          { text: 'thinking', thought: true },
          {
            functionCall: { id: 'c1', name: 'weather', args: { city: 'Paris' } },
            thoughtSignature: 'sig',
          },
        ],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { id: 'c1', name: 'weather', response: { c: 18 } } }],
      },
      {
        role: 'user',
        parts: [
          { fileData: { fileUri: 'gs://b/a.pdf', mimeType: 'application/pdf' } },
          { executableCode: { language: 'PYTHON', code: 'x' } } as never,
        ],
      },
    ];
    expect(toInputMessages(contents)).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Hi' },
          { type: 'blob', modality: 'image', mime_type: 'image/png' },
        ],
      },
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'thinking' },
          { type: 'tool_call', id: 'c1', name: 'weather', arguments: { city: 'Paris' } },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { c: 18 } }] },
      {
        role: 'user',
        parts: [
          { type: 'uri', modality: 'document', mime_type: 'application/pdf', uri: 'gs://b/a.pdf' },
          { type: 'executableCode' },
        ],
      },
    ]);
    expect(toInputMessages('Hello')).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Hello' }] },
    ]);
    expect(toInputMessages(undefined)).toEqual([]);
  });

  it('never throws on malformed contents (null contents, parts or fields)', () => {
    const hostile = [
      null,
      { role: 'user' },
      { role: 'user', parts: 'text' },
      {
        role: 'model',
        parts: [
          null,
          42,
          { inlineData: {} },
          { fileData: null },
          { functionCall: null },
          { functionResponse: null },
        ],
      },
    ];
    expect(toInputMessages(hostile)).toEqual([
      { role: 'user', parts: [] },
      { role: 'user', parts: [] },
      { role: 'user', parts: [] },
      {
        role: 'assistant',
        parts: [
          { type: 'unknown' },
          { type: 'unknown' },
          { type: 'blob', modality: 'document', mime_type: null },
          { type: 'uri', modality: 'document', mime_type: null, uri: null },
          { type: 'tool_call', id: null, name: null, arguments: {} },
          { type: 'tool_call_response', id: null, response: undefined },
        ],
      },
    ]);
  });
});

describe('toOutputMessages and toSystemInstructions', () => {
  it('maps candidates with their finish reason, and tolerates a gateway part without mimeType', () => {
    const response = {
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'Done' }, { inlineData: { data: 'AAAA' } }] },
          finishReason: 'STOP',
        },
        { content: {} },
        null,
      ],
    } as unknown as GenerateContentResponse;
    expect(toOutputMessages(response)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Done' },
          { type: 'blob', modality: 'document', mime_type: null },
        ],
        finish_reason: 'STOP',
      },
      { role: 'assistant', parts: [], finish_reason: '' },
      { role: 'assistant', parts: [], finish_reason: '' },
    ]);
    expect(toOutputMessages({ candidates: {} } as unknown as GenerateContentResponse)).toEqual([]);
  });

  it('reads a system instruction as text or parts', () => {
    expect(toSystemInstructions('Be brief.')).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(toSystemInstructions({ parts: [{ text: 'a' }, { text: 'b' }] })).toEqual([
      { type: 'text', content: 'a' },
      { type: 'text', content: 'b' },
    ]);
    expect(toSystemInstructions(null)).toEqual([]);
    expect(toSystemInstructions({ parts: 'x' })).toEqual([]);
  });
});

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('a model call span with recorded content', () => {
  it('is ended and exported when the answer has an inline part without mimeType', async () => {
    const fake = createFakeGemini({
      script: [turn.parts([{ text: 'Here.' }, { inlineData: { data: 'AAAA' } } as never])],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'secret-test-key', retry: false }),
      model: 'gemini-2.5-flash',
      telemetry: { tracerProvider, recordContent: true, conventions: 'latest' },
    });
    await agent.run('Show me.');
    const call = exporter
      .getFinishedSpans()
      .find((span) => span.name.startsWith('generate_content'));
    expect(call).toBeDefined();
    expect(String(call?.attributes['gen_ai.output.messages'])).toContain('"type":"blob"');
  });
});
