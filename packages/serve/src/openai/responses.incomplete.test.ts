import { type FakeTurn, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { serveOpenAI } from './__fixtures__/serve-openai.ts';

// A response Gemini cut at the token limit, or withheld for its content, is `incomplete` in
// OpenAI's Responses API: `status: "incomplete"` with `incomplete_details.reason`
// `"max_output_tokens"` or `"content_filter"` (openai-node 6.49.0, `Response.status` and
// `Response.IncompleteDetails`), its message item `incomplete`, and a stream that ends in
// `response.incomplete` (`ResponseIncompleteEvent`), not `response.completed`. The door told
// every such answer `completed`: a client that set `max_output_tokens` read a cut answer as
// whole, as Chat Completions' `finish_reason: "length"` would have told it.

const model = 'support-agent';

const cases: [string, FakeTurn, 'max_output_tokens' | 'content_filter', string][] = [
  [
    'cut by max_output_tokens',
    turn.maxTokens('The answer was cut'),
    'max_output_tokens',
    'The answer was cut',
  ],
  ['withheld by a safety filter', turn.safety(), 'content_filter', ''],
];

describe('a Responses answer that Gemini did not finish', () => {
  for (const [name, answer, reason, text] of cases) {
    it(`${name}: unary, retrieved and streamed, it is incomplete, with the reason`, async () => {
      const { client } = await serveOpenAI([answer, answer]);
      const openai = client();
      const unary = await openai.responses.create({ model, input: 'Go.', max_output_tokens: 8 });
      expect(unary.status).toBe('incomplete');
      expect(unary.incomplete_details).toEqual({ reason });
      expect(unary.output_text).toBe(text);
      expect(unary.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
      // As kept for GET /v1/responses/{id}.
      const kept = await openai.responses.retrieve(unary.id);
      expect(kept.status).toBe('incomplete');
      expect(kept.incomplete_details).toEqual({ reason });

      const stream = openai.responses.stream({ model, input: 'Go.', max_output_tokens: 8 });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types.at(-1)).toBe('response.incomplete');
      expect(types).not.toContain('response.completed');
      const final = await stream.finalResponse();
      expect(final.status).toBe('incomplete');
      expect(final.incomplete_details).toEqual({ reason });
      expect(final.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
      expect(final.output_text).toBe(text);
    });
  }

  it('a finished answer is still completed, with no incomplete_details', async () => {
    const { client } = await serveOpenAI([turn.text('Done.'), turn.text('Done.')]);
    const unary = await client().responses.create({ model, input: 'Go.' });
    expect(unary.status).toBe('completed');
    expect(unary.incomplete_details).toBeNull();
    const stream = client().responses.stream({ model, input: 'Go.' });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.completed');
    expect((await stream.finalResponse()).status).toBe('completed');
  });
});
