import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { postRaw as post, serveOpenAI } from './__fixtures__/serve-openai.ts';

// attack21: the fields of OpenAI's APIs that ask for a tool call, an audio answer or a web search
// (https://platform.openai.com/docs/api-reference/chat/create: `tool_choice`,
// `parallel_tool_calls`, `modalities`, `audio`, `web_search_options`;
// https://platform.openai.com/docs/api-reference/responses/create: `tool_choice`,
// `parallel_tool_calls`, `max_tool_calls`). The door takes no tools from a request (the agent's
// own run on the server), answers in text and searches nothing a request asks for, so each of
// these was ignored in silence: `tool_choice: "required"` got a text answer as if the model had
// chosen not to call, `modalities: ["audio"]` an answer with no audio, `web_search_options` an
// answer nobody searched for, `max_tool_calls: 1` a run whose tools ran as often as the agent
// likes, and a `tool_choice` of 42 was taken. OpenAI refuses a `tool_choice` without `tools`
// ("'tool_choice' is only allowed when 'tools' are specified"); the door refuses what asks for
// something it cannot do, naming the field, and takes what asks for nothing: `"auto"`, `"none"`,
// and `parallel_tool_calls` as a boolean (Codex sends `parallel_tool_calls: false` with no tools).

const message = JSON.stringify({ role: 'user', content: 'hi' });
const chat = (fields: string) => `{"model":"support-agent","messages":[${message}]${fields}}`;
const responses = (fields: string) => `{"model":"support-agent","input":"hi"${fields}}`;

describe('the OpenAI door and the fields that ask for tools, audio or a search (attack21)', () => {
  it.each([
    ['chat', 'tool_choice "required"', chat(',"tool_choice":"required"'), 'tool_choice'],
    [
      'chat',
      'tool_choice naming a function',
      chat(',"tool_choice":{"type":"function","function":{"name":"lookup"}}'),
      'tool_choice',
    ],
    [
      'chat',
      'tool_choice of allowed tools',
      chat(
        ',"tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"required","tools":[]}}',
      ),
      'tool_choice',
    ],
    ['chat', 'tool_choice 42', chat(',"tool_choice":42'), 'tool_choice'],
    ['chat', 'tool_choice "sometimes"', chat(',"tool_choice":"sometimes"'), 'tool_choice'],
    [
      'chat',
      'parallel_tool_calls "no"',
      chat(',"parallel_tool_calls":"no"'),
      'parallel_tool_calls',
    ],
    ['chat', 'modalities with audio', chat(',"modalities":["text","audio"]'), 'modalities'],
    ['chat', 'modalities "text"', chat(',"modalities":"text"'), 'modalities'],
    ['chat', 'audio output', chat(',"audio":{"voice":"alloy","format":"wav"}'), 'audio'],
    ['chat', 'web_search_options', chat(',"web_search_options":{}'), 'web_search_options'],
    ['responses', 'tool_choice "required"', responses(',"tool_choice":"required"'), 'tool_choice'],
    [
      'responses',
      'tool_choice of a hosted tool',
      responses(',"tool_choice":{"type":"web_search_preview"}'),
      'tool_choice',
    ],
    [
      'responses',
      'tool_choice naming a function',
      responses(',"tool_choice":{"type":"function","name":"lookup"}'),
      'tool_choice',
    ],
    [
      'responses',
      'parallel_tool_calls 0',
      responses(',"parallel_tool_calls":0'),
      'parallel_tool_calls',
    ],
    ['responses', 'max_tool_calls 1', responses(',"max_tool_calls":1'), 'max_tool_calls'],
  ])('%s with %s: a 400 naming it, no run', async (api, _, body, param) => {
    const { baseURL, fake, errors } = await serveOpenAI([turn.text('never')]);
    const answer = await post(baseURL, api === 'chat' ? '/chat/completions' : '/responses', body);
    expect(answer.status).toBe(400);
    const { error } = JSON.parse(answer.text);
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe(param);
    expect(error.message).toContain(param);
    expect(['unsupported_value', 'unsupported_parameter', 'invalid_type']).toContain(error.code);
    expect(fake.requests).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it.each([
    ['chat', 'tool_choice "auto"', chat(',"tool_choice":"auto"')],
    ['chat', 'tool_choice "none"', chat(',"tool_choice":"none"')],
    ['chat', 'tool_choice null', chat(',"tool_choice":null')],
    ['chat', 'parallel_tool_calls false', chat(',"parallel_tool_calls":false')],
    ['chat', 'modalities ["text"]', chat(',"modalities":["text"]')],
    [
      'chat',
      'audio null, web_search_options null',
      chat(',"audio":null,"web_search_options":null'),
    ],
    ['responses', 'tool_choice "auto"', responses(',"tool_choice":"auto"')],
    ['responses', 'tool_choice "none"', responses(',"tool_choice":"none"')],
    [
      'responses',
      'parallel_tool_calls false (as Codex sends it)',
      responses(',"parallel_tool_calls":false'),
    ],
    ['responses', 'max_tool_calls null', responses(',"max_tool_calls":null')],
  ])('%s with %s: answered', async (api, _, body) => {
    const { baseURL, fake } = await serveOpenAI([turn.text('Hello.')]);
    const answer = await post(baseURL, api === 'chat' ? '/chat/completions' : '/responses', body);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.text).toContain('Hello.');
    expect(fake.requests).toHaveLength(1);
  });

  it('the official client surfaces the refusal of tool_choice "required" as a BadRequestError', async () => {
    const { client, fake } = await serveOpenAI([turn.text('never')]);
    const refused = await client()
      .chat.completions.create({
        model: 'support-agent',
        messages: [{ role: 'user', content: 'hi' }],
        tool_choice: 'required',
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tool_choice');
    expect(fake.requests).toHaveLength(0);
  });
});
