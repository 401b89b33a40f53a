import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { postRaw, serveOpenAI } from './__fixtures__/serve-openai.ts';

// openai67: the tool fields as a hostile or careless client sends them. The door refuses a
// client's `tools` and `functions` (the agent's tools run on the server) and a `tool_choice` that
// asks for a call (unhonoured-fields.ts), but only in the shapes it looked for: a `tools` that was
// not an array, and the deprecated top-level `function_call` (Chat Completions' spelling of
// `tool_choice`, openai-node 6.49.0 `ChatCompletionCreateParamsBase.function_call`: `'none' |
// 'auto' | ChatCompletionFunctionCallOption`, "Deprecated in favor of tool_choice") naming a
// function, were answered 200 as if read, and the model was called. Each is now a 400 naming the
// field, before any model call.

const model = 'support-agent';
const messages = [{ role: 'user', content: 'Weather in Paris?' }];

async function refusal(body: Record<string, unknown>, path = '/chat/completions') {
  const { baseURL, fake } = await serveOpenAI([turn.text('never')]);
  const sent =
    path === '/responses' ? { model, input: 'Weather?', ...body } : { model, messages, ...body };
  const { status, text } = await postRaw(baseURL, path, JSON.stringify(sent));
  return {
    status,
    error: (JSON.parse(text) as { error: unknown }).error,
    calls: fake.requests.length,
  };
}

describe('the tool fields in shapes the door did not look for (openai67)', () => {
  it('the deprecated function_call naming a function is refused as tool_choice naming one is', async () => {
    const { client, fake } = await serveOpenAI([turn.text('never')]);
    const error = await client()
      .chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        function_call: { name: 'get_weather' },
      })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'function_call',
      code: 'unsupported_value',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('function_call of another type is a 400 invalid_type; "auto", "none" and null are served', async () => {
    expect(await refusal({ function_call: 5 })).toMatchObject({
      status: 400,
      error: { param: 'function_call', code: 'invalid_type' },
      calls: 0,
    });
    for (const asksNothing of ['auto', 'none', null]) {
      const { baseURL, fake } = await serveOpenAI([turn.text('Sunny.')]);
      const served = await postRaw(
        baseURL,
        '/chat/completions',
        JSON.stringify({ model, messages, function_call: asksNothing }),
      );
      expect(served.status).toBe(200);
      expect(fake.requests).toHaveLength(1);
    }
  });

  it('tools or functions that are not arrays are a 400 invalid_type naming the field', async () => {
    for (const [field, value] of [
      ['tools', { get_weather: { type: 'function' } }],
      ['tools', 'all'],
      ['functions', { name: 'get_weather' }],
    ] as const) {
      expect(await refusal({ [field]: value })).toMatchObject({
        status: 400,
        error: { type: 'invalid_request_error', param: field, code: 'invalid_type' },
        calls: 0,
      });
    }
    expect(await refusal({ tools: { web_search: {} } }, '/responses')).toMatchObject({
      status: 400,
      error: { param: 'tools', code: 'invalid_type' },
      calls: 0,
    });
  });

  it("Responses' text that is not an object is a 400 invalid_type", async () => {
    expect(await refusal({ text: 'json' }, '/responses')).toMatchObject({
      status: 400,
      error: { param: 'text', code: 'invalid_type' },
      calls: 0,
    });
  });
});
