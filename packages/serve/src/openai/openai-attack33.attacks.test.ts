import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { contentsOf } from '../__fixtures__/order-fixtures.ts';
import { agentOnFake, listenForTest } from '../door/__fixtures__/serve-door.ts';
import { authorizeByKey, KEYS, postRaw, serveOpenAI } from './__fixtures__/serve-openai.ts';
import { createOpenAIHandler } from './create-openai-handler.ts';

// attack33: the OpenAI-compatible door as a client reads it, another pass (the earlier:
// openai-outside, openai-hostile-fields, failed-response-items, ... .attacks.test.ts).

/** The JSON `data` of each server-sent event of `body` but `[DONE]`. */
function frames(body: string): Record<string, unknown>[] {
  return body
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: {'))
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as Record<string, unknown>);
}

async function streamed(baseURL: string, extra: Record<string, unknown>) {
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'support-agent',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      ...extra,
    }),
  });
  expect(response.status).toBe(200);
  return frames(await response.text());
}

describe('the OpenAI door (attack33)', () => {
  it('stream_options.include_usage: every chunk but the last has usage null, the last its counts; without it none has usage', async () => {
    // "All other chunks will also include a usage field, but with a null value" (the API
    // reference's ChatCompletionStreamOptions.include_usage, as openai-ruby and the OpenAPI
    // spec word it): a client may read `chunk.usage === null` as "not the usage chunk".
    const { baseURL } = await serveOpenAI([turn.text('one two three'), turn.text('four')]);
    const withUsage = await streamed(baseURL, { stream_options: { include_usage: true } });
    expect(withUsage.length).toBeGreaterThan(2);
    for (const chunk of withUsage.slice(0, -1)) {
      expect(Object.hasOwn(chunk, 'usage')).toBe(true);
      expect(chunk['usage']).toBeNull();
    }
    expect(withUsage.at(-1)?.['choices']).toEqual([]);
    expect(withUsage.at(-1)?.['usage']).toMatchObject({ total_tokens: expect.any(Number) });

    const without = await streamed(baseURL, {});
    expect(without.some((chunk) => Object.hasOwn(chunk, 'usage'))).toBe(false);
  });

  it('model ids with path characters: "team/support" is found by the client; ../, encoded slashes and NUL reach nothing', async () => {
    const { agent, errors } = agentOnFake([turn.text('hello')]);
    const handler = createOpenAIHandler({
      agents: { 'team/support': agent },
      authorize: authorizeByKey,
    });
    const baseURL = `${await listenForTest(handler)}/v1`;
    const client = new OpenAI({ apiKey: KEYS.alice, baseURL, maxRetries: 0, timeout: 60_000 });
    // The client puts the id in the path percent-encoded (`/models/team%2Fsupport`).
    expect((await client.models.retrieve('team/support')).id).toBe('team/support');
    for (const path of [
      '/models/..%2F..%2Fetc%2Fpasswd',
      '/models/team%2F..%2Fsupport',
      '/models/team%2Fsupport%00',
      '/models/%2e%2e',
    ]) {
      const response = await fetch(`${baseURL}${path}`, {
        headers: { authorization: `Bearer ${KEYS.alice}` },
      });
      const text = await response.text();
      expect(response.status, path).toBe(404);
      // `%2e%2e` is `..` to the URL parser (WHATWG URL, path state): the path is /v1/, no route.
      const code = path.endsWith('%2e%2e') ? 'unknown_url' : 'model_not_found';
      expect(JSON.parse(text)).toMatchObject({ error: { code } });
      expect(text).not.toContain('passwd');
    }
    for (const model of [
      '../team/support',
      'team/support/..',
      'team\\support',
      'team/support\u0000',
    ]) {
      const refused = await postRaw(
        baseURL,
        '/chat/completions',
        JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      );
      expect(refused.status, model).toBe(404);
      expect(JSON.parse(refused.text)).toMatchObject({
        error: { code: 'model_not_found', param: 'model' },
      });
    }
    const answer = await client.chat.completions.create({
      model: 'team/support',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.choices[0]?.message.content).toBe('hello');
    expect(errors).toEqual([]);
  });

  it('a user, safety_identifier or prompt_cache_key naming another caller reaches none of their conversation', async () => {
    // OpenAI's `user` (and its successors) label the end user for abuse monitoring; the door's
    // owner is what `authorize` said of the key, never a field of the body.
    const { client, fake } = await serveOpenAI([turn.text('Secret plan.'), turn.text('Fresh.')]);
    await client('alice').responses.create({
      model: 'support-agent',
      input: 'My plan',
      conversation: 'shared-name',
    });
    const bobs = await client('bob').responses.create({
      model: 'support-agent',
      input: 'Go on',
      conversation: 'shared-name',
      user: 'alice',
      safety_identifier: 'alice',
      prompt_cache_key: 'alice',
    });
    expect(bobs.output_text).toBe('Fresh.');
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual(['user: Go on']);
  });

  it('a message of 100,000 text parts (a server that raised maxBodyBytes) is one text; a bad 100,000th part is named', async () => {
    const { baseURL, fake } = await serveOpenAI([turn.text('ok')], {
      handler: { maxBodyBytes: 8 * 1024 * 1024 },
    });
    const parts = Array.from({ length: 100_000 }, () => ({ type: 'text', text: 'a' }));
    const answered = await postRaw(
      baseURL,
      '/chat/completions',
      JSON.stringify({ model: 'support-agent', messages: [{ role: 'user', content: parts }] }),
    );
    expect(answered.status).toBe(200);
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual([`user: ${'a'.repeat(100_000)}`]);
    const odd = [
      ...parts.slice(1),
      // A part type the door does not take (input_audio, this test's first odd part, is taken
      // since doors-media55).
      { type: 'video_url', video_url: { url: 'data:video/mp4;base64,AAAA' } },
    ];
    const refused = await postRaw(
      baseURL,
      '/chat/completions',
      JSON.stringify({ model: 'support-agent', messages: [{ role: 'user', content: odd }] }),
    );
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({
      error: { param: 'messages[0].content[99999].type', code: 'unsupported_value' },
    });
    expect(fake.requests).toHaveLength(1);
  });
});
