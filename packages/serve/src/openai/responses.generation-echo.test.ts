import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { serveOpenAI } from './__fixtures__/serve-openai.ts';

// openai67: a Response carries the request's `max_output_tokens`, `temperature` and `top_p`
// (openai-node 6.49.0, `Response`: "An upper bound for the number of tokens that can be
// generated", "What sampling temperature to use"). The door sends them to Gemini
// (generation-fields.ts) but answered `null` for each, so a client reading the response back (a
// log, an eval harness, `responses.retrieve`) saw no limit and no sampling setting for a response
// made under them.

const model = 'support-agent';
const asked = { max_output_tokens: 64, temperature: 0.3, top_p: 0.9 };

describe('a Response echoes the generation fields it was made with (openai67)', () => {
  it('unary, retrieved and streamed', async () => {
    const { client } = await serveOpenAI([turn.text('One.'), turn.text('Two.')]);
    const unary = await client().responses.create({ model, input: 'Go.', ...asked });
    expect(unary).toMatchObject(asked);
    expect(await client().responses.retrieve(unary.id)).toMatchObject(asked);
    const stream = client().responses.stream({ model, input: 'Go.', ...asked });
    const created: unknown[] = [];
    for await (const event of stream) {
      if (event.type === 'response.created') created.push(event.response);
    }
    expect(created).toEqual([expect.objectContaining(asked)]);
    expect(await stream.finalResponse()).toMatchObject(asked);
  });

  it('null for a field the request left out', async () => {
    const { client } = await serveOpenAI([turn.text('One.')]);
    const unary = await client().responses.create({ model, input: 'Go.', temperature: 0 });
    expect(unary).toMatchObject({ max_output_tokens: null, temperature: 0, top_p: null });
  });
});
