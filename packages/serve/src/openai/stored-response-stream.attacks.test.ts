import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { KEYS, serveOpenAI } from './__fixtures__/serve-openai.ts';

// openai67: `client.responses.retrieve(id, { stream: true })` sends `GET /v1/responses/{id}?stream=true`
// and reads the body as server-sent events (openai-node 6.49.0, `Responses.retrieve`: `stream:
// query?.stream`; `ResponseRetrieveParamsBase.stream`, "the model response data will be streamed").
// The door ignored the query and answered the stored response as JSON, which the client's event
// reader parsed as no events at all: the caller's loop ended at once, with no error and no
// response. It is now a 400 naming `stream`, which the client throws as a BadRequestError.

const model = 'support-agent';

describe('a stored response read with stream=true (openai67)', () => {
  it('the official client gets a BadRequestError naming stream, not an empty stream', async () => {
    const { client } = await serveOpenAI([turn.text('Stored.')]);
    const created = await client().responses.create({ model, input: 'Hi.' });
    const error = await (async () => {
      const events: unknown[] = [];
      const stream = await client().responses.retrieve(created.id, { stream: true });
      for await (const event of stream) events.push(event);
      return events;
    })().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'stream',
      code: 'unsupported_value',
    });
  });

  it('stream=false, or no stream, still reads it as JSON', async () => {
    const { client, baseURL } = await serveOpenAI([turn.text('Stored.')]);
    const created = await client().responses.create({ model, input: 'Hi.' });
    expect((await client().responses.retrieve(created.id)).output_text).toBe('Stored.');
    const read = await fetch(`${baseURL}/responses/${created.id}?stream=false`, {
      headers: { authorization: `Bearer ${KEYS.alice}` },
    });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { id: string }).id).toBe(created.id);
  });
});
