import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { serveOpenAI } from './__fixtures__/serve-openai.ts';

// openai67: a streamed run that fails as it starts (here the door's tracer throws as it opens the
// span, before the agent's run exists). The unary routes answered it as a failure; the streamed
// ones started the run outside their `try`, so the stream ended with no frame at all (the
// `openai` client read an empty stream as a whole one, with no error), `onError` never heard of
// it, and a Responses conversation stayed claimed: every later send to it was 409
// `conversation_locked`, for ever.

const model = 'support-agent';

/** A tracer provider whose tracer throws as each span starts, quoting a path. */
const brokenTracer = {
  getTracer: () => ({
    startActiveSpan: () => {
      throw new Error('exporter misconfigured at /srv/otel/secret.json');
    },
  }),
};

async function serveWithBrokenTracer() {
  return serveOpenAI([turn.text('Later.')], {
    handler: { tracerProvider: brokenTracer as never },
  });
}

describe('a streamed run that fails as it starts (openai67)', () => {
  it('Chat Completions: the stream holds the failure, the client throws an APIError, onError hears it', async () => {
    const { client, errors } = await serveWithBrokenTracer();
    const stream = await client().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi.' }],
      stream: true,
    });
    const chunks: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const shown = JSON.stringify((error as InstanceType<typeof OpenAI.APIError>).error);
    expect(shown).toContain('server_error');
    expect(shown).not.toContain('/srv/otel');
    expect(errors).toHaveLength(1);
  });

  it('Responses: response.failed is sent, and the conversation is free for the next send', async () => {
    const { client, errors } = await serveWithBrokenTracer();
    const stream = await client().responses.create({
      model,
      input: 'Hi.',
      conversation: 'c',
      stream: true,
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.failed');
    expect(errors).toHaveLength(1);
    // The next send to the conversation meets the same tracer (a 500), not a lock.
    const next = await client()
      .responses.create({ model, input: 'Again.', conversation: 'c' })
      .catch((thrown: unknown) => thrown);
    expect(next).toBeInstanceOf(OpenAI.InternalServerError);
  });
});
