import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { postRaw, serveOpenAI } from './__fixtures__/serve-openai.ts';

// attack-doors10: Chat Completions' deprecated spellings of tools, `functions` and `function_call`
// (https://platform.openai.com/docs/api-reference/chat/create: "Deprecated in favor of tools" and
// "in favor of tool_choice"; an assistant message's `function_call`, "in favor of tool_calls").
// Older clients and libraries still send them. The door refuses a client's `tools`, `tool_calls`
// and `tool` messages (the agent's tools run on the server); the old spellings were dropped in
// silence, so a client that gave a function got a text answer as if it had been read, and an
// assistant's call vanished from the history the model saw.

const model = 'support-agent';

describe('Chat Completions with the deprecated function fields (attack-doors10)', () => {
  it('functions (a client function) is refused as tools is, naming the field, with no model call', async () => {
    const { baseURL, fake } = await serveOpenAI([turn.text('never')]);
    const refused = await postRaw(
      baseURL,
      '/chat/completions',
      JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        functions: [{ name: 'get_weather', parameters: { type: 'object', properties: {} } }],
        function_call: 'auto',
      }),
    );
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({
      error: { param: 'functions', code: 'unsupported_parameter' },
    });
    expect(fake.requests).toHaveLength(0);
  });

  it("an assistant message's function_call is refused as tool_calls is", async () => {
    const { baseURL, fake } = await serveOpenAI([turn.text('never')]);
    const refused = await postRaw(
      baseURL,
      '/chat/completions',
      JSON.stringify({
        model,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: 'Looking it up.',
            function_call: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
          { role: 'user', content: 'And?' },
        ],
      }),
    );
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({
      error: { param: 'messages[1].function_call', code: 'unsupported_parameter' },
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('null and empty spellings ask for nothing and are served', async () => {
    const { baseURL, fake } = await serveOpenAI([turn.text('Sunny.')]);
    const served = await postRaw(
      baseURL,
      '/chat/completions',
      JSON.stringify({
        model,
        messages: [
          { role: 'assistant', content: 'Hi.', function_call: null },
          { role: 'user', content: 'Weather?' },
        ],
        functions: [],
        function_call: null,
      }),
    );
    expect(served.status).toBe(200);
    expect(fake.requests).toHaveLength(1);
  });
});
