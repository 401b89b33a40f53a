import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { serveOpenAI } from './__fixtures__/serve-openai.ts';

// A request field that asks for a generation setting the door cannot honour per request is a 400
// naming it (doors-policy), through the official `openai` client, and no run starts; it used to
// be ignored in silence (a client asking for JSON or a token limit got free text unawares).

const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('the OpenAI door and the fields it cannot honour', () => {
  it.each([
    ['max_tokens', { max_tokens: 10 }, 'maxOutputTokens'],
    ['max_completion_tokens', { max_completion_tokens: 10 }, 'maxOutputTokens'],
    ['temperature', { temperature: 0.2 }, 'temperature'],
    ['top_p', { top_p: 0.5 }, 'topP'],
    ['stop', { stop: ['END'] }, 'stopSequences'],
    ['seed', { seed: 7 }, 'seed'],
    ['presence_penalty', { presence_penalty: 0.5 }, 'presencePenalty'],
    ['frequency_penalty', { frequency_penalty: 0.5 }, 'frequencyPenalty'],
    ['response_format', { response_format: { type: 'json_object' as const } }, 'responseMimeType'],
    ['logprobs', { logprobs: true }, 'responseLogprobs'],
    ['top_logprobs', { top_logprobs: 3 }, 'logprobs'],
    ['logit_bias', { logit_bias: { '50256': -100 } }, 'no such setting'],
  ])(
    'chat.completions with %s: 400 unsupported_parameter naming it',
    async (param, fields, hint) => {
      const { client, fake } = await serveOpenAI([turn.text('Never.')]);
      for (const stream of [false, true]) {
        const error = await client()
          .chat.completions.create({ model: 'support-agent', messages, stream, ...fields } as never)
          .then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
        expect(error, `${param} stream ${stream}`).toBeInstanceOf(OpenAI.BadRequestError);
        const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
        expect(bad.code).toBe('unsupported_parameter');
        expect(bad.param).toBe(param);
        expect(bad.message).toContain(hint);
      }
      expect(fake.requests).toHaveLength(0);
    },
  );

  it.each([
    ['max_output_tokens', { max_output_tokens: 16 }],
    ['temperature', { temperature: 0.2 }],
    ['top_p', { top_p: 0.5 }],
    ['top_logprobs', { top_logprobs: 2 }],
    ['text.format', { text: { format: { type: 'json_object' as const } } }],
  ])('responses with %s: 400 unsupported_parameter naming it', async (param, fields) => {
    const { client, fake } = await serveOpenAI([turn.text('Never.')]);
    const error = await client()
      .responses.create({ model: 'support-agent', input: 'Hi', ...fields } as never)
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as { param: unknown }).param).toBe(param);
    expect((error as { code: unknown }).code).toBe('unsupported_parameter');
    expect(fake.requests).toHaveLength(0);
  });

  it('null and the defaults ask for nothing and are served', async () => {
    const { client } = await serveOpenAI([turn.text('One.'), turn.text('Two.')]);
    const chat = await client().chat.completions.create({
      model: 'support-agent',
      messages,
      temperature: null,
      max_tokens: null,
      logprobs: false,
      stop: [],
      n: 1,
      response_format: { type: 'text' },
      logit_bias: {},
    });
    expect(chat.choices[0]?.message.content).toBe('One.');
    const response = await client().responses.create({
      model: 'support-agent',
      input: 'Hi',
      temperature: null,
      text: { format: { type: 'text' } },
    });
    expect(response.output_text).toBe('Two.');
  });
});
