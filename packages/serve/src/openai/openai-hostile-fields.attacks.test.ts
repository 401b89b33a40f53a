import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { postRaw as post, serveOpenAI } from './__fixtures__/serve-openai.ts';

// The OpenAI-compatible door, sixth outside pass (attack-doors6): fields an OpenAI client may send
// that the door cannot honour, at sizes and shapes no client would. Each is refused in the
// OpenAI error shape naming the field, before any model call, with no thrown message or stack.

/** `{"$ref":{"$ref":...}}` nested `depth` levels, as JSON text (no recursion to build it). */
function deepRef(depth: number): string {
  return `${'{"$ref":'.repeat(depth)}"#"${'}'.repeat(depth)}`;
}

const message = JSON.stringify({ role: 'user', content: 'hi' });

describe('the OpenAI door: hostile fields (attack-doors6)', () => {
  it.each([
    ['n: 5', `{"model":"support-agent","n":5,"messages":[${message}]}`, 400, '"param":"n"'],
    [
      'a tool whose schema is a 10,000-deep $ref chain',
      `{"model":"support-agent","messages":[${message}],"tools":[{"type":"function","function":{"name":"t","parameters":${deepRef(10_000)}}}]}`,
      400,
      '"param":"tools"',
    ],
    [
      'a tool with __proto__ properties',
      `{"model":"support-agent","messages":[${message}],"tools":[{"type":"function","function":{"name":"__proto__","parameters":{"type":"object","properties":{"__proto__":{"type":"string"},"constructor":{"type":"object"}}}}}]}`,
      400,
      '"param":"tools"',
    ],
    [
      'an image_url of a data URI with the wrong MIME type',
      `{"model":"support-agent","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:text/html;base64,PHNjcmlwdD4="}}]}]}`,
      400,
      'messages[0].content[0].image_url.url',
    ],
    [
      'an image_url of a 100 MB data URI',
      `{"model":"support-agent","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,${'A'.repeat(100 * 1024 * 1024)}"}}]}]}`,
      413,
      '',
    ],
    [
      // 37 MB: past the default body limit (32 MiB since media-size56; 100,000 were past 1 MiB).
      '1,200,000 messages',
      `{"model":"support-agent","messages":[${Array.from({ length: 1_200_000 }, () => message).join(',')}]}`,
      413,
      '',
    ],
    [
      'a message of a role the API does not know, 30,000th of 30,000',
      `{"model":"support-agent","messages":[${Array.from({ length: 29_999 }, () => message).join(',')},{"role":"__proto__","content":"x"}]}`,
      400,
      'messages[29999].role',
    ],
    [
      'the Responses API with a 10,000-deep tool schema',
      `{"model":"support-agent","input":"hi","tools":[{"type":"function","name":"t","parameters":${deepRef(10_000)}}]}`,
      400,
      '"param":"tools"',
    ],
  ])('%s: refused as the API would, the model never called', async (_, body, status, names) => {
    const { baseURL, fake, errors } = await serveOpenAI([turn.text('never')]);
    const path = body.includes('"input"') ? '/responses' : '/chat/completions';
    const answer = await post(baseURL, path, body);
    expect(answer.status).toBe(status);
    if (status === 400) {
      const error = JSON.parse(answer.text).error;
      expect(error.type).toBe('invalid_request_error');
      expect(answer.text).toContain(names);
    }
    // A fixed shape: no stack, no thrown text of JSON.parse or of the runtime.
    expect(answer.text).not.toMatch(/\n\s+at |Maximum call stack|Unexpected token|TypeError/);
    expect(fake.requests).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it('stream_options that is not an object, or include_usage that is not a boolean, is a 400 naming it', async () => {
    const { baseURL, fake } = await serveOpenAI([turn.text('never')]);
    for (const [options, param] of [
      ['"yes"', 'stream_options'],
      ['{"include_usage":"yes"}', 'stream_options.include_usage'],
      ['{"__proto__":{"include_usage":true},"include_usage":{}}', 'stream_options.include_usage'],
    ] as const) {
      const answer = await post(
        baseURL,
        '/chat/completions',
        `{"model":"support-agent","stream":true,"stream_options":${options},"messages":[${message}]}`,
      );
      expect(answer.status, options).toBe(400);
      expect(JSON.parse(answer.text).error.param).toBe(param);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ['stream absent', ''],
    ['stream: false', '"stream":false,'],
    ['stream: null', '"stream":null,'],
  ])(
    'stream_options with %s is a 400 naming stream_options, as the API answers it; the model never called',
    async (_, stream) => {
      // OpenAI answers `{"error":{"message":"The 'stream_options' parameter is only allowed when
      // 'stream' is enabled.","type":"invalid_request_error","param":"stream_options",...}}`
      // (quoted in BerriAI/litellm#5803); the door ran the agent and dropped the options.
      const { baseURL, fake, errors } = await serveOpenAI([turn.text('never')]);
      const answer = await post(
        baseURL,
        '/chat/completions',
        `{"model":"support-agent",${stream}"stream_options":{"include_usage":true},"messages":[${message}]}`,
      );
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({
        error: {
          message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
          type: 'invalid_request_error',
          param: 'stream_options',
          code: 'invalid_value',
        },
      });
      expect(fake.requests).toHaveLength(0);
      expect(errors).toEqual([]);
    },
  );

  it('stream_options: null without stream is no option at all: answered', async () => {
    const { baseURL } = await serveOpenAI([turn.text('Hello.')]);
    const answer = await post(
      baseURL,
      '/chat/completions',
      `{"model":"support-agent","stream_options":null,"messages":[${message}]}`,
    );
    expect(answer.status, answer.text).toBe(200);
    expect(JSON.parse(answer.text).choices[0].message.content).toBe('Hello.');
  });
});
