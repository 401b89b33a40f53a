import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { serveOpenAI } from './__fixtures__/serve-openai.ts';

// The request fields of OpenAI's APIs that Gemini's generationConfig has a field for set the run's
// `generationConfig` (over the agent's, for that request only), through the official `openai`
// client, unary and streamed; doors-policy had refused them with a 400, which made the door
// unreachable for the many clients that send temperature or max_tokens by default. What the door
// cannot honour (log probabilities, logit_bias, a response format) stays a 400 naming the field,
// and no run starts: it used to be ignored in silence.

const messages = [{ role: 'user' as const, content: 'Hi' }];

type Sent = { generationConfig?: Record<string, unknown> };
const sentConfig = (fake: { requests: readonly { body: unknown }[] }, index: number) =>
  (fake.requests[index]?.body as Sent | undefined)?.generationConfig;

describe('the OpenAI door and the generation fields it honours', () => {
  it.each([
    ['max_tokens', { max_tokens: 10 }, { maxOutputTokens: 10 }],
    ['max_completion_tokens', { max_completion_tokens: 12 }, { maxOutputTokens: 12 }],
    ['temperature', { temperature: 0.2 }, { temperature: 0.2 }],
    ['top_p', { top_p: 0.5 }, { topP: 0.5 }],
    ['stop as a string', { stop: 'END' }, { stopSequences: ['END'] }],
    ['stop as an array', { stop: ['END', 'STOP'] }, { stopSequences: ['END', 'STOP'] }],
    ['seed', { seed: 7 }, { seed: 7 }],
    ['presence_penalty', { presence_penalty: 0.5 }, { presencePenalty: 0.5 }],
    ['frequency_penalty', { frequency_penalty: -0.5 }, { frequencyPenalty: -0.5 }],
  ])(
    'chat.completions with %s: the run’s request carries it, unary and streamed',
    async (_, fields, sent) => {
      const { client, fake } = await serveOpenAI([turn.text('One.'), turn.text('Two.')], {
        agent: { generationConfig: { topK: 40, temperature: 1 } },
      });
      const unary = await client().chat.completions.create({
        model: 'support-agent',
        messages,
        ...fields,
      } as never);
      expect(
        (unary as { choices: { message: { content: string } }[] }).choices[0]?.message.content,
      ).toBe('One.');
      const stream = await client().chat.completions.create({
        model: 'support-agent',
        messages,
        stream: true,
        ...fields,
      } as never);
      let text = '';
      for await (const chunk of stream as unknown as AsyncIterable<{
        choices: { delta: { content?: string } }[];
      }>)
        text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe('Two.');
      expect(fake.requests).toHaveLength(2);
      for (const index of [0, 1]) {
        expect(sentConfig(fake, index)).toEqual({ topK: 40, temperature: 1, ...sent });
      }
    },
  );

  it('chat.completions with every field at once, and a request without them keeps the agent’s', async () => {
    const { client, fake } = await serveOpenAI([turn.text('One.'), turn.text('Two.')], {
      agent: { generationConfig: { temperature: 1 } },
    });
    await client().chat.completions.create({
      model: 'support-agent',
      messages,
      max_completion_tokens: 64,
      temperature: 0,
      top_p: 1,
      stop: ['END'],
      seed: -3,
      presence_penalty: 2,
      frequency_penalty: -2,
    });
    expect(sentConfig(fake, 0)).toEqual({
      maxOutputTokens: 64,
      temperature: 0,
      topP: 1,
      stopSequences: ['END'],
      seed: -3,
      presencePenalty: 2,
      frequencyPenalty: -2,
    });
    await client().chat.completions.create({ model: 'support-agent', messages });
    expect(sentConfig(fake, 1)).toEqual({ temperature: 1 });
  });

  it.each([
    ['max_output_tokens', { max_output_tokens: 16 }, { maxOutputTokens: 16 }],
    ['temperature', { temperature: 0.2 }, { temperature: 0.2 }],
    ['top_p', { top_p: 0.5 }, { topP: 0.5 }],
  ])(
    'responses with %s: the run’s request carries it, unary and streamed',
    async (_, fields, sent) => {
      const { client, fake } = await serveOpenAI([turn.text('One.'), turn.text('Two.')]);
      const unary = await client().responses.create({
        model: 'support-agent',
        input: 'Hi',
        ...fields,
      } as never);
      expect((unary as { output_text: string }).output_text).toBe('One.');
      const stream = await client().responses.create({
        model: 'support-agent',
        input: 'Hi',
        stream: true,
        ...fields,
      } as never);
      const types: string[] = [];
      for await (const event of stream as unknown as AsyncIterable<{ type: string }>)
        types.push(event.type);
      expect(types).toContain('response.completed');
      expect(fake.requests).toHaveLength(2);
      for (const index of [0, 1]) expect(sentConfig(fake, index)).toEqual(sent);
    },
  );

  // The code is OpenAI's for each refusal (attack-doors8: all were `invalid_value`, which the
  // official client surfaces as `error.code`): as OpenAI answers them, e.g. "Invalid 'temperature':
  // decimal above maximum value. Expected a value <= 2, but got 200 instead." with
  // `decimal_above_max_value`, "Invalid 'n': integer above maximum value" with
  // `integer_above_max_value` (thisisartium/continuous-alignment-testing#25), max_tokens 0 with
  // `integer_below_min_value` (OpenBMB/ChatDev#446), a string with `invalid_type`
  // (diffbot/code-gpt-docs#273), "Invalid 'stop': array too long" with `array_above_max_length`.
  it.each([
    ['temperature', { temperature: 2.5 }, 'decimal_above_max_value'],
    ['temperature', { temperature: -0.5 }, 'decimal_below_min_value'],
    ['temperature', { temperature: '0.2' }, 'invalid_type'],
    ['top_p', { top_p: 1.5 }, 'decimal_above_max_value'],
    ['max_tokens', { max_tokens: 0 }, 'integer_below_min_value'],
    ['max_tokens', { max_tokens: 1.5 }, 'invalid_type'],
    ['max_completion_tokens', { max_completion_tokens: 2 ** 31 }, 'integer_above_max_value'],
    ['seed', { seed: 2 ** 40 }, 'integer_above_max_value'],
    ['presence_penalty', { presence_penalty: -3 }, 'decimal_below_min_value'],
    ['frequency_penalty', { frequency_penalty: true }, 'invalid_type'],
    ['stop', { stop: ['a', 'b', 'c', 'd', 'e'] }, 'array_above_max_length'],
    ['stop', { stop: [''] }, 'invalid_value'],
    ['stop', { stop: [1] }, 'invalid_type'],
    ['stop', { stop: { a: 1 } }, 'invalid_type'],
    ['max_completion_tokens', { max_tokens: 10, max_completion_tokens: 20 }, 'invalid_value'],
  ])(
    "chat.completions with %s out of range (%j): 400 with OpenAI's code naming it, no run",
    async (param, fields, code) => {
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
        expect(bad.code).toBe(code);
        expect(bad.param).toBe(param);
        expect(bad.type).toBe('invalid_request_error');
      }
      expect(fake.requests).toHaveLength(0);
    },
  );

  it('responses with max_output_tokens out of range: 400 integer_below_min_value naming it, no run', async () => {
    const { client, fake } = await serveOpenAI([turn.text('Never.')]);
    const error = await client()
      .responses.create({ model: 'support-agent', input: 'Hi', max_output_tokens: -1 })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as { param: unknown }).param).toBe('max_output_tokens');
    expect((error as { code: unknown }).code).toBe('integer_below_min_value');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('the OpenAI door and the fields it cannot honour', () => {
  it.each([
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
