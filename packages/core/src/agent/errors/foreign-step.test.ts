import { describe, expect, it } from 'vitest';
import { createGemini } from '../../http/create-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { ForeignResponseError } from './foreign-response-error.ts';
import { foreignFormatOf } from './foreign-step.ts';
import { InvalidModelResponseError } from './invalid-model-response-error.ts';

// leftovers43: a 200 body in another API's shape (a base URL at a gateway's OpenAI-compatible
// route) passed gemloop's lenient check as a Gemini response with no candidates: unary re-asked
// twice and threw InvalidModelResponseError ("unusable answers"), streamed ended `interrupted`
// with empty text. Now both end on the first answer with one ForeignResponseError that says the
// body is not Gemini's and names the fix. Through the real client over an injected fetch.

const CHAT_COMPLETION = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};
const CHAT_CHUNK = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o',
  choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: null }],
};

/** A gateway that answers every call with `body` (unary) or `stream` (streamed), status 200. */
function gateway(body: unknown, stream: string) {
  let requests = 0;
  const fetch = async (url: unknown): Promise<Response> => {
    requests++;
    if (String(url).includes(':streamGenerateContent'))
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  };
  const gemini = createGemini({
    apiKey: 'test-key',
    fetch: fetch as typeof globalThis.fetch,
    retry: false,
  });
  return { agent: createAgent({ gemini, model: 'gemini-2.5-flash' }), requests: () => requests };
}

const runIn = (mode: 'run' | 'stream', agent: ReturnType<typeof gateway>['agent']) =>
  mode === 'run' ? agent.run('Hi') : agent.stream('Hi').result;

describe('a 200 body in another API’s shape', () => {
  const streams = {
    'OpenAI SSE chunks': `data: ${JSON.stringify(CHAT_CHUNK)}\n\ndata: [DONE]\n\n`,
    'a chat completion JSON body': JSON.stringify(CHAT_COMPLETION),
  };
  for (const mode of ['run', 'stream'] as const) {
    for (const [name, stream] of Object.entries(streams)) {
      it(`(${mode}, ${name}) fails on the first answer with ForeignResponseError naming the fix`, async () => {
        const { agent, requests } = gateway(CHAT_COMPLETION, stream);
        const error = await runIn(mode, agent).catch((thrown: unknown) => thrown);
        expect(ForeignResponseError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ code: 'foreign-response', format: 'openai-chat-completion' });
        expect((error as Error).message).toMatch(/not a Gemini response/);
        expect((error as Error).message).toMatch(/baseUrl/);
        expect((error as ForeignResponseError).run.contents).toEqual([
          { role: 'user', parts: [{ text: 'Hi' }] },
        ]);
        expect(requests()).toBe(1);
      });
    }

    it(`(${mode}) leaves Gemini’s own answers without candidates as they were: an empty one is re-asked, a blocked prompt ends blocked`, async () => {
      const empty = { usageMetadata: { promptTokenCount: 1 }, modelVersion: 'gemini-2.5-flash' };
      const quiet = gateway(
        empty,
        `data: ${JSON.stringify({ ...empty, candidates: [{ finishReason: 'STOP' }] })}\n\n`,
      );
      const error = await runIn(mode, quiet.agent).catch((thrown: unknown) => thrown);
      expect(InvalidModelResponseError.isInstance(error)).toBe(true);
      expect(quiet.requests()).toBe(3);
      const blockedBody = { promptFeedback: { blockReason: 'SAFETY' } };
      const blocked = gateway(blockedBody, `data: ${JSON.stringify(blockedBody)}\n\n`);
      const result = await runIn(mode, blocked.agent);
      expect(result.finishReason).toBe('content-filter');
    });
  }
});

describe('foreignFormatOf', () => {
  it('names OpenAI chat completions and chunks, Responses objects and Anthropic messages', () => {
    expect(foreignFormatOf(CHAT_COMPLETION as never)).toBe('openai-chat-completion');
    expect(foreignFormatOf(CHAT_CHUNK as never)).toBe('openai-chat-completion');
    expect(foreignFormatOf({ object: 'response', output: [] } as never)).toBe('openai-responses');
    for (const type of ['message', 'message_stop', 'content_block_delta'])
      expect(foreignFormatOf({ type, content: [] } as never)).toBe('anthropic-messages');
  });

  it('takes a body with one of Gemini’s own fields as Gemini’s, and an unknown shape as no format', () => {
    expect(foreignFormatOf({ choices: [], usageMetadata: {} } as never)).toBeUndefined();
    expect(foreignFormatOf({ choices: [], responseId: 'r' } as never)).toBeUndefined();
    expect(foreignFormatOf({} as never)).toBeUndefined();
    expect(foreignFormatOf({ result: 'x', type: 7 } as never)).toBeUndefined();
  });
});
