import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../http/create-gemini.ts';
import { fileSearch } from '../tools/builtin/built-in-tools.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { GenerateContentResponse, GroundingMetadata } from '../wire/response.ts';
import type { AgentEvent } from './agent-event.ts';
import { createAgent } from './create-agent.ts';

// File Search sources while streaming (@ai-sdk/google 4.0.118, 540509c: "Emit File Search and RAG
// document sources when streaming"): a File Search chunk names its store (`fileSearchStore`, no
// `uri`). The streamed step keeps the metadata as the unary one does, verbatim, and says so in a
// grounding event; the fallback tool of a 2.x model keeps the store in its sources.

const STORE = 'fileSearchStores/handbook-123';
const grounding: GroundingMetadata = {
  groundingChunks: [
    {
      retrievedContext: {
        title: 'leave-policy.pdf',
        text: 'Employees get 25 days.',
        fileSearchStore: STORE,
        customMetadata: [{ key: 'team', stringValue: 'hr' }],
      },
    },
  ],
  groundingSupports: [
    { segment: { endIndex: 12, text: '25 days off.' }, groundingChunkIndices: [0] },
  ],
};

// Two chunks: the text first, then the metadata (empty `{}` before), as streams send it.
const chunks: GenerateContentResponse[] = [
  {
    candidates: [
      { content: { role: 'model', parts: [{ text: '25 days' }] }, groundingMetadata: {} },
    ],
  },
  {
    candidates: [
      {
        content: { role: 'model', parts: [{ text: ' off.' }] },
        groundingMetadata: grounding,
        finishReason: 'STOP',
      },
    ],
  },
];

describe('File Search grounding', () => {
  it.each([false, true])(
    'is kept verbatim in the step (and, streamed, a grounding event) (streamed: %s)',
    async (streamed) => {
      const fake = createFakeGemini({ script: [turn.raw(streamed ? chunks : mergeChunks())] });
      const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        tools: [fileSearch({ fileSearchStoreNames: [STORE] })],
      });
      const events: AgentEvent<string>[] = [];
      let result: Awaited<ReturnType<typeof agent.run>>;
      if (streamed) {
        const stream = agent.stream('How many days off?');
        for await (const event of stream) events.push(event);
        result = await stream.result;
      } else {
        result = await agent.run('How many days off?');
      }
      expect(result.text).toBe('25 days off.');
      expect(result.steps[0]?.grounding).toEqual(grounding);
      expect(result.grounding).toEqual([grounding]);
      if (streamed) {
        expect(events.filter((event) => event.type === 'grounding')).toEqual([
          { type: 'grounding', path: [], stepNumber: 1, source: 'model', grounding },
        ]);
      }
    },
  );

  it('keeps the store in the sources of the fallback tool on a 2.x model', async () => {
    const fake = createFakeGemini({
      script: [
        turn.call('file_search', { query: 'days off' }),
        turn.raw(mergeChunks()),
        turn.text('25.'),
      ],
    });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const note = defineTool({ name: 'note', parameters: z.object({}), execute: () => 'ok' });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [fileSearch({ fileSearchStoreNames: [STORE] }), note],
    });
    const result = await agent.run('How many days off?');
    const call = result.steps[0]?.toolCalls[0];
    expect(call?.output).toMatchObject({
      sources: [{ title: 'leave-policy.pdf', fileSearchStore: STORE }],
    });
  });
});

function mergeChunks(): GenerateContentResponse {
  return {
    candidates: [
      {
        content: { role: 'model', parts: [{ text: '25 days off.' }] },
        groundingMetadata: grounding,
        finishReason: 'STOP',
      },
    ],
  };
}
