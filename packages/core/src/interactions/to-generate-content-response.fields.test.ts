import { describe, expect, it } from 'vitest';
import { foldStream } from '../streaming/fold-stream.ts';
import type { Content } from '../wire/content.ts';
import type { Interaction, InteractionEvent } from '../wire/interaction.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import { toCreateInteractionRequest } from './to-create-interaction-request.ts';
import { toGenerateContentChunks } from './to-generate-content-chunks.ts';
import { toGenerateContentResponse } from './to-generate-content-response.ts';

// What an interaction's steps carry beyond text, calls and signatures: a thought summary's images,
// the sources a text cites (`annotations`), an image's `resolution`. They were dropped reading the
// answer, so the agent never saw them and a stateless history sent the steps back other than the
// API gave them. Each is read the same from a unary answer and from its stream, and goes back as
// it came (`@google/genai` 2.32.0 `ThoughtStep`, `TextContent`, `ImageContent`, `StepDeltaData`).

type Json = Record<string, unknown>;

async function* from(events: object[]): AsyncGenerator<InteractionEvent> {
  for (const event of events) yield event as InteractionEvent;
}

/** The candidate of the interaction answered unary (its steps) and streamed (its events). */
async function bothWays(steps: Json[], events: object[]) {
  const unary = toGenerateContentResponse({
    id: 'i-1',
    status: 'completed',
    steps,
  } as unknown as Interaction);
  const streamed = await foldStream(
    toGenerateContentChunks(
      from([
        { event_type: 'interaction.created', interaction: { id: 'i-1', status: 'in_progress' } },
        ...events,
        { event_type: 'interaction.completed', interaction: { id: 'i-1', status: 'completed' } },
      ]),
      () => {},
    ),
  );
  return { unary: unary.candidates?.[0], streamed: streamed.candidates?.[0] };
}

/** The steps a stateless history sends for a model turn of `parts`, after the user's `q`. */
function sentBack(parts: unknown): Json[] {
  const contents = [
    { role: 'user', parts: [{ text: 'q' }] },
    { role: 'model', parts },
  ] as Content[];
  const request = { model: 'gemini-3-flash-preview', contents } as GenerateContentRequest;
  const { input } = toCreateInteractionRequest(request, contents, undefined, false);
  return (input as Json[]).slice(1);
}

const start = (index: number, step: object) => ({ event_type: 'step.start', index, step });
const delta = (index: number, value: object) => ({ event_type: 'step.delta', index, delta: value });
const stop = (index: number) => ({ event_type: 'step.stop', index });

const PNG = 'iVBORw0KGgo=';

describe("a thought summary's images", () => {
  it('are thought parts in their place, the signature on the last text, unary and streamed alike, and go back as the same step', async () => {
    const summary = [
      { type: 'text', text: 'Sketching ' },
      { type: 'text', text: 'the layout.' },
      { type: 'image', data: PNG, mime_type: 'image/png' },
      { type: 'text', text: 'Now the colours.' },
    ];
    const { unary, streamed } = await bothWays(
      [
        { type: 'thought', signature: 'SIG', summary },
        { type: 'model_output', content: [{ type: 'text', text: 'Done.' }] },
      ],
      [
        // The API starts a thought with an empty signature and sends the real one last.
        start(0, { type: 'thought', signature: '', summary: [] }),
        ...summary.map((content) => delta(0, { type: 'thought_summary', content })),
        delta(0, { type: 'thought_signature', signature: 'SIG' }),
        stop(0),
        start(1, { type: 'model_output' }),
        delta(1, { type: 'text', text: 'Done.' }),
        stop(1),
      ],
    );
    const parts = [
      { thought: true, text: 'Sketching the layout.' },
      { thought: true, inlineData: { data: PNG, mimeType: 'image/png' } },
      { thought: true, text: 'Now the colours.', thoughtSignature: 'SIG' },
      { text: 'Done.' },
    ];
    expect(unary?.content?.parts).toEqual(parts);
    expect(streamed?.content?.parts).toEqual(parts);
    expect(sentBack(parts)).toEqual([
      {
        type: 'thought',
        summary: [
          { type: 'text', text: 'Sketching the layout.' },
          { type: 'image', data: PNG, mime_type: 'image/png' },
          { type: 'text', text: 'Now the colours.' },
        ],
        signature: 'SIG',
      },
      { type: 'model_output', content: [{ type: 'text', text: 'Done.' }] },
    ]);
  });

  it('a summary that ends with an image: the signature its own part after it, one step back', async () => {
    const summary = [
      { type: 'image', uri: 'https://example.com/draft.png', mime_type: 'image/png' },
    ];
    const { unary, streamed } = await bothWays(
      [{ type: 'thought', signature: 'SIG', summary }],
      [
        start(0, { type: 'thought', signature: '' }),
        delta(0, { type: 'thought_summary', content: summary[0] }),
        delta(0, { type: 'thought_signature', signature: 'SIG' }),
        stop(0),
      ],
    );
    const parts = [
      {
        thought: true,
        fileData: { fileUri: 'https://example.com/draft.png', mimeType: 'image/png' },
      },
      { thought: true, text: '', thoughtSignature: 'SIG' },
    ];
    expect(unary?.content?.parts).toEqual(parts);
    expect(streamed?.content?.parts).toEqual(parts);
    expect(sentBack(parts)).toEqual([{ type: 'thought', summary, signature: 'SIG' }]);
  });

  it('an empty signature is none: no part carries "", and no step goes back with one', async () => {
    // A stream that starts a thought with `signature: ""` and never sends one, and an empty delta.
    const { unary, streamed } = await bothWays(
      [
        { type: 'thought', signature: '', summary: [{ type: 'text', text: 'Hmm.' }] },
        { type: 'thought', signature: '' },
      ],
      [
        start(0, { type: 'thought', signature: '', summary: [] }),
        delta(0, { type: 'thought_summary', content: { type: 'text', text: 'Hmm.' } }),
        delta(0, { type: 'thought_signature', signature: '' }),
        stop(0),
        start(1, { type: 'thought', signature: '' }),
        stop(1),
      ],
    );
    expect(unary?.content?.parts).toEqual([{ thought: true, text: 'Hmm.' }]);
    expect(streamed?.content?.parts).toEqual([{ thought: true, text: 'Hmm.' }]);
    expect(JSON.stringify(sentBack(unary?.content?.parts))).not.toContain('"signature"');
  });

  it('hostile summary items (null, a number, an image with neither data nor uri, an empty text) are left out', async () => {
    const { unary } = await bothWays(
      [
        {
          type: 'thought',
          signature: 'SIG',
          summary: [
            null,
            7,
            { type: 'image' },
            { type: 'text', text: '' },
            { type: 'text', text: 'ok' },
          ],
        },
      ],
      [],
    );
    expect(unary?.content?.parts).toEqual([{ thought: true, text: 'ok', thoughtSignature: 'SIG' }]);
  });
});

describe("an image's resolution", () => {
  it('becomes the part’s mediaResolution, unary and streamed, and goes back as the same resolution', async () => {
    const image = { type: 'image', data: PNG, mime_type: 'image/png', resolution: 'ultra_high' };
    const { unary, streamed } = await bothWays(
      [{ type: 'model_output', content: [image] }],
      [start(0, { type: 'model_output' }), delta(0, image), stop(0)],
    );
    const part = {
      inlineData: { data: PNG, mimeType: 'image/png' },
      mediaResolution: { level: 'MEDIA_RESOLUTION_ULTRA_HIGH' },
    };
    expect(unary?.content?.parts).toEqual([part]);
    expect(streamed?.content?.parts).toEqual([part]);
    expect(sentBack([part])).toEqual([{ type: 'model_output', content: [image] }]);
  });

  it("the user's own per-part mediaResolution reaches the Interactions request (it was dropped)", () => {
    const contents = [
      {
        role: 'user',
        parts: [
          { text: 'Read the small print.' },
          {
            inlineData: { mimeType: 'image/png', data: PNG },
            mediaResolution: { level: 'MEDIA_RESOLUTION_HIGH' },
          },
          {
            fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/a.pdf' },
            mediaResolution: { level: 'MEDIA_RESOLUTION_UNSPECIFIED' },
          },
          // Not a level: nothing is made up.
          { inlineData: { mimeType: 'image/png', data: PNG }, mediaResolution: 'HIGH' },
        ],
      },
    ] as unknown as Content[];
    const request = { model: 'gemini-3-flash-preview', contents } as GenerateContentRequest;
    expect(toCreateInteractionRequest(request, contents, undefined, false).input).toEqual([
      {
        type: 'user_input',
        content: [
          { type: 'text', text: 'Read the small print.' },
          { type: 'image', data: PNG, mime_type: 'image/png', resolution: 'high' },
          { type: 'document', uri: 'https://example.com/a.pdf', mime_type: 'application/pdf' },
          { type: 'image', data: PNG, mime_type: 'image/png' },
        ],
      },
    ]);
  });
});

describe("a text's annotations", () => {
  const annotations = [
    {
      type: 'url_citation',
      url: 'https://example.com/a',
      title: 'A',
      start_index: 0,
      end_index: 5,
    },
    // The same source again: listed once.
    { type: 'url_citation', url: 'https://example.com/a', start_index: 6, end_index: 11 },
    {
      type: 'file_citation',
      document_uri: 'fileSearchStores/s/documents/d',
      file_name: 'handbook.pdf',
      source: 'Section 2',
      page_number: 4,
      start_index: 12,
      end_index: 20,
    },
    {
      type: 'place_citation',
      place_id: 'places/abc',
      name: 'Café',
      url: 'https://maps.google.com/?cid=1',
      start_index: 21,
      end_index: 25,
    },
    // Not citations, or not readable: left out, never thrown on.
    { type: 'speech_metadata', speaker: 'a' },
    { type: 'url_citation' },
    { type: 'url_citation', url: 'https://example.com/b', start_index: -1, end_index: Number.NaN },
    null,
    'x',
  ];
  const grounding = {
    webSearchQueries: ['cafes'],
    groundingChunks: [
      { web: { uri: 'https://example.com/a', title: 'A' } },
      {
        retrievedContext: {
          uri: 'fileSearchStores/s/documents/d',
          title: 'handbook.pdf',
          text: 'Section 2',
          pageNumber: 4,
        },
      },
      { maps: { uri: 'https://maps.google.com/?cid=1', title: 'Café', placeId: 'places/abc' } },
      { web: { uri: 'https://example.com/b' } },
    ],
    groundingSupports: [
      { segment: { startIndex: 0, endIndex: 5 }, groundingChunkIndices: [0] },
      { segment: { startIndex: 6, endIndex: 11 }, groundingChunkIndices: [0] },
      { segment: { startIndex: 12, endIndex: 20 }, groundingChunkIndices: [1] },
      { segment: { startIndex: 21, endIndex: 25 }, groundingChunkIndices: [2] },
      { segment: {}, groundingChunkIndices: [3] },
    ],
  };

  it('become grounding chunks and supports, the search result they cite listed once, unary and streamed alike', async () => {
    const text = 'Alpha beta handbook café.';
    const { unary, streamed } = await bothWays(
      [
        { type: 'google_search_call', id: 's', arguments: { queries: ['cafes'] } },
        {
          type: 'google_search_result',
          call_id: 's',
          result: [{ url: 'https://example.com/a', title: 'A' }],
        },
        { type: 'model_output', content: [{ type: 'text', text, annotations }] },
      ],
      [
        start(0, { type: 'google_search_call', id: 's', arguments: { queries: ['cafes'] } }),
        stop(0),
        start(1, {
          type: 'google_search_result',
          call_id: 's',
          result: [{ url: 'https://example.com/a', title: 'A' }],
        }),
        stop(1),
        start(2, { type: 'model_output' }),
        delta(2, { type: 'text', text }),
        delta(2, { type: 'text_annotation_delta', annotations }),
        stop(2),
      ],
    );
    expect(unary?.content?.parts).toEqual([{ text }]);
    expect(unary?.groundingMetadata).toEqual(grounding);
    expect(streamed?.groundingMetadata).toEqual(grounding);
  });

  it('annotations that are no list, and a text with none, add no grounding', async () => {
    const { unary, streamed } = await bothWays(
      [{ type: 'model_output', content: [{ type: 'text', text: 'x', annotations: { url: 'y' } }] }],
      [
        start(0, { type: 'model_output' }),
        delta(0, { type: 'text', text: 'x' }),
        delta(0, { type: 'text_annotation_delta', annotations: 'y' }),
        stop(0),
      ],
    );
    expect(unary?.groundingMetadata).toBeUndefined();
    expect(streamed?.groundingMetadata).toBeUndefined();
  });
});

describe('thought steps one after another', () => {
  it('stay two thoughts when streamed, each summary with its own signature, and go back as two steps', async () => {
    const { unary, streamed } = await bothWays(
      [
        { type: 'thought', signature: 'S1', summary: [{ type: 'text', text: 'First.' }] },
        { type: 'thought', signature: 'S2', summary: [{ type: 'text', text: 'Second.' }] },
        { type: 'model_output', content: [{ type: 'text', text: 'Done.' }] },
      ],
      [
        start(0, { type: 'thought', signature: '' }),
        delta(0, { type: 'thought_summary', content: { type: 'text', text: 'First.' } }),
        delta(0, { type: 'thought_signature', signature: 'S1' }),
        stop(0),
        start(1, { type: 'thought', signature: '' }),
        delta(1, { type: 'thought_summary', content: { type: 'text', text: 'Sec' } }),
        delta(1, { type: 'thought_summary', content: { type: 'text', text: 'ond.' } }),
        delta(1, { type: 'thought_signature', signature: 'S2' }),
        stop(1),
        start(2, { type: 'model_output' }),
        delta(2, { type: 'text', text: 'Done.' }),
        stop(2),
      ],
    );
    const parts = [
      { thought: true, text: 'First.', thoughtSignature: 'S1' },
      { thought: true, text: 'Second.', thoughtSignature: 'S2' },
      { text: 'Done.' },
    ];
    expect(unary?.content?.parts).toEqual(parts);
    expect(streamed?.content?.parts).toEqual(parts);
    expect(sentBack(parts)).toEqual([
      { type: 'thought', summary: [{ type: 'text', text: 'First.' }], signature: 'S1' },
      { type: 'thought', summary: [{ type: 'text', text: 'Second.' }], signature: 'S2' },
      { type: 'model_output', content: [{ type: 'text', text: 'Done.' }] },
    ]);
  });
});
