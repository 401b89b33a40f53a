import { describe, expect, it } from 'vitest';
import { foldStream } from '../streaming/fold-stream.ts';
import type { InteractionEvent } from '../wire/interaction.ts';
import { toGenerateContentChunks } from './to-generate-content-chunks.ts';

// The Interactions SSE events (`@google/genai`'s interactions `InteractionSSEEvent` and
// `StepDeltaData`) as the generateContent chunks the agent folds: a call whose arguments come as
// `arguments_delta` pieces, and a thought whose signature comes as a `thought_signature` delta.

async function* from(events: object[]): AsyncGenerator<InteractionEvent> {
  for (const event of events) yield event as InteractionEvent;
}

const created = {
  event_type: 'interaction.created',
  interaction: { id: 'i-1', status: 'in_progress' },
};
const completed = (status = 'requires_action') => ({
  event_type: 'interaction.completed',
  interaction: { id: 'i-1', status },
});
const start = (index: number, step: object) => ({ event_type: 'step.start', index, step });
const delta = (index: number, value: object) => ({ event_type: 'step.delta', index, delta: value });
const stop = (index: number) => ({ event_type: 'step.stop', index });
const pieces = (index: number, json: string, size: number) =>
  Array.from({ length: Math.ceil(json.length / size) }, (_, at) =>
    delta(index, { type: 'arguments_delta', arguments: json.slice(at * size, (at + 1) * size) }),
  );

async function fold(events: object[]) {
  const settled: string[] = [];
  const response = await foldStream(
    toGenerateContentChunks(from(events), (id) => settled.push(id)),
  );
  return { candidate: response.candidates?.[0], settled };
}

describe('toGenerateContentChunks', () => {
  it('keeps an image the model wrote as a streamed media delta (Gemini 3 Pro Image)', async () => {
    // `ImageDelta` (`@google/genai` 2.32.0 `StepDeltaData`): the item whole, `data` or `uri`.
    const { candidate } = await fold([
      created,
      start(0, { type: 'model_output' }),
      delta(0, { type: 'text', text: 'Here:' }),
      delta(0, { type: 'image', data: 'iVBORw0KGgo=', mime_type: 'image/png' }),
      delta(0, { type: 'image', uri: 'https://example.com/cat.webp', mime_type: 'image/webp' }),
      delta(0, { type: 'image' }),
      stop(0),
      completed('completed'),
    ]);
    expect(candidate?.content?.parts).toEqual([
      { text: 'Here:' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp' } },
    ]);
  });

  it('assembles a call from its arguments_delta pieces, and its thought signature from its delta', async () => {
    const args = JSON.stringify({ city: 'Paris', days: [1, 2], note: 'a "quoted" ünïcode' });
    const { candidate, settled } = await fold([
      created,
      start(0, { type: 'thought' }),
      delta(0, { type: 'thought_summary', content: { type: 'text', text: 'Need the weather.' } }),
      delta(0, { type: 'thought_signature', signature: 'c2lnLXRob3VnaHQ=' }),
      stop(0),
      start(1, { type: 'function_call', id: 'call-1', name: 'get_weather', arguments: {} }),
      ...pieces(1, args, 7),
      stop(1),
      completed(),
    ]);
    expect(candidate?.content?.parts).toEqual([
      { thought: true, text: 'Need the weather.', thoughtSignature: 'c2lnLXRob3VnaHQ=' },
      { functionCall: { id: 'call-1', name: 'get_weather', args: JSON.parse(args) } },
    ]);
    expect(candidate?.finishReason).toBe('STOP');
    expect(settled).toEqual(['i-1']);
  });

  it('keeps a signature that comes without a summary as a thought part of its own', async () => {
    const { candidate } = await fold([
      created,
      start(0, { type: 'thought' }),
      delta(0, { type: 'thought_signature', signature: 'c2ln' }),
      stop(0),
      start(1, { type: 'model_output' }),
      delta(1, { type: 'text', text: 'Hi.' }),
      stop(1),
      completed('completed'),
    ]);
    expect(candidate?.content?.parts).toEqual([
      { thought: true, text: '', thoughtSignature: 'c2ln' },
      { text: 'Hi.' },
    ]);
  });

  it('takes whole arguments from the step start, and a signature delta of the call onto the call', async () => {
    const { candidate } = await fold([
      created,
      start(0, { type: 'function_call', id: 'c', name: 'f', arguments: { a: 1 } }),
      delta(0, { type: 'thought_signature', signature: 'c2ln' }),
      stop(0),
      completed(),
    ]);
    expect(candidate?.content?.parts).toEqual([
      { functionCall: { id: 'c', name: 'f', args: { a: 1 } }, thoughtSignature: 'c2ln' },
    ]);
  });

  it('reads pieces that each hold the whole text so far', async () => {
    const { candidate } = await fold([
      created,
      start(0, { type: 'function_call', id: 'c', name: 'f', arguments: {} }),
      delta(0, { type: 'arguments_delta', arguments: '{"a":' }),
      delta(0, { type: 'arguments_delta', arguments: '{"a": 1}' }),
      stop(0),
      completed(),
    ]);
    expect(candidate?.content?.parts).toEqual([
      { functionCall: { id: 'c', name: 'f', args: { a: 1 } } },
    ]);
  });

  it('re-asks, never runs, a call whose pieces spell no JSON object', async () => {
    const { candidate } = await fold([
      created,
      start(0, { type: 'function_call', id: 'c', name: 'f', arguments: {} }),
      delta(0, { type: 'arguments_delta', arguments: '{"a": 1' }),
      stop(0),
      completed(),
    ]);
    expect(candidate?.content?.parts ?? []).toEqual([]);
    expect(candidate?.finishReason).toBe('MALFORMED_FUNCTION_CALL');
  });

  it('closes a call whose step.stop never came when the interaction ends', async () => {
    const { candidate } = await fold([
      created,
      start(0, { type: 'function_call', id: 'c', name: 'f', arguments: {} }),
      ...pieces(0, '{"q":"x"}', 3),
      completed(),
    ]);
    expect(candidate?.content?.parts).toEqual([
      { functionCall: { id: 'c', name: 'f', args: { q: 'x' } } },
    ]);
  });

  it('reads Google Search call and result deltas as grounding, as whole steps are', async () => {
    const { candidate } = await fold([
      created,
      start(0, { type: 'google_search_call', id: 's1', arguments: {} }),
      delta(0, { type: 'google_search_call', arguments: { queries: ['tides oslo'] } }),
      stop(0),
      start(1, { type: 'google_search_result', call_id: 's1', result: [] }),
      delta(1, {
        type: 'google_search_result',
        result: [{ title: 'Tides', url: 'https://example.com/tides' }],
      }),
      stop(1),
      start(2, { type: 'model_output' }),
      delta(2, { type: 'text', text: 'High tide at noon.' }),
      stop(2),
      completed('completed'),
    ]);
    expect(candidate?.groundingMetadata).toEqual({
      webSearchQueries: ['tides oslo'],
      groundingChunks: [{ web: { uri: 'https://example.com/tides', title: 'Tides' } }],
    });
  });
});
