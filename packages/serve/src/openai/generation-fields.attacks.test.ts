import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { postRaw as post, serveOpenAI } from './__fixtures__/serve-openai.ts';

// The OpenAI door's generation fields tried from outside (attack-doors7), as raw JSON: values no
// client's types allow, at sizes and precisions no client would send. The in-range cases and the
// plain out-of-range ones are unhonoured-fields.test.ts's.

const chat = (fields: string) =>
  `{"model":"support-agent","messages":[{"role":"user","content":"hi"}],${fields}}`;
type Sent = { generationConfig?: Record<string, unknown> };

describe('the OpenAI door: generation fields as no client sends them (attack-doors7)', () => {
  it.each([
    ['seed 2^64', '"seed":18446744073709551616', 'seed'],
    ['seed -2^31 - 1', '"seed":-2147483649', 'seed'],
    ['max_tokens 1e308', '"max_tokens":1e308', 'max_tokens'],
    ['max_tokens as text', '"max_tokens":"5"', 'max_tokens'],
    ['max_tokens as an object with valueOf', '"max_tokens":{"valueOf":5}', 'max_tokens'],
    ['temperature a list', '"temperature":[0.5]', 'temperature'],
    ['top_p -0.0001', '"top_p":-0.0001', 'top_p'],
    [
      'stop: 5 entries of 10 KB',
      `"stop":[${Array.from({ length: 5 }, () => JSON.stringify('x'.repeat(10_240))).join(',')}]`,
      'stop',
    ],
    ['stop an object', '"stop":{"0":"a","length":1}', 'stop'],
    [
      'max_completion_tokens disagreeing, given first',
      '"max_completion_tokens":5,"max_tokens":6',
      'max_completion_tokens',
    ],
  ])('%s: 400 naming the field, no run, the value not echoed', async (_, fields, param) => {
    const { baseURL, fake, errors } = await serveOpenAI([turn.text('never')]);
    for (const stream of ['false', 'true']) {
      const answer = await post(baseURL, '/chat/completions', chat(`"stream":${stream},${fields}`));
      expect(answer.status, stream).toBe(400);
      const { error } = JSON.parse(answer.text) as { error: Record<string, unknown> };
      expect(error['type']).toBe('invalid_request_error');
      expect(error['param']).toBe(param);
      expect(answer.text.length).toBeLessThan(600);
      expect(answer.text).not.toMatch(/xxxxxxxx|\n\s+at |TypeError/);
    }
    expect(fake.requests).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it('the edges OpenAI takes reach the model as given: seed ±2^31 ends, temperature 0 and 2, 4 stops of 10 KB, null beside a value', async () => {
    const stops = Array.from({ length: 4 }, (_, index) => `${index}${'y'.repeat(10_239)}`);
    const { baseURL, fake } = await serveOpenAI([turn.text('One.'), turn.text('Two.')]);
    const first = await post(
      baseURL,
      '/chat/completions',
      chat(
        `"seed":-2147483648,"temperature":0,"top_p":0,"max_tokens":null,"max_completion_tokens":1,"stop":${JSON.stringify(stops)}`,
      ),
    );
    expect(first.status).toBe(200);
    const second = await post(
      baseURL,
      '/chat/completions',
      chat('"seed":2147483647,"temperature":2,"max_tokens":7,"max_completion_tokens":7.0'),
    );
    expect(second.status).toBe(200);
    expect((fake.requests[0]?.body as Sent | undefined)?.generationConfig).toEqual({
      seed: -2147483648,
      temperature: 0,
      topP: 0,
      maxOutputTokens: 1,
      stopSequences: stops,
    });
    expect((fake.requests[1]?.body as Sent | undefined)?.generationConfig).toEqual({
      seed: 2147483647,
      temperature: 2,
      maxOutputTokens: 7,
    });
  });
});
