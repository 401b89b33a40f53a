import {
  createFakeGemini,
  type FakeGemini,
  type FakeRecordedRequest,
  type FakeScript,
  turn,
} from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatSession } from '../../chat/create-chat-session.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { createAgent } from '../create-agent.ts';
import { ModelCallError } from '../errors/model-call-error.ts';

// A gateway that answers in the proto field names (`function_call`, `finish_reason`,
// `usage_metadata`, `thought_signature`), which the proto3 JSON mapping makes the same message
// as the API's camelCase (gemini-wire.md §1). Every reader after the response check read only the
// camelCase names, so the run ended with `text: ''`, no error, the call never run, the usage not
// counted (attack44c, left). Served over a real socket, so each transport reads the bodies.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const MODEL = 'gemini-3-flash-preview';

/**
 * A signature the fake issued for MODEL: the fake refuses one it never issued, as the API does, so
 * the next request passing its check shows the signature went back whole.
 */
async function issuedSignature(): Promise<string> {
  const fake = createFakeGemini({ script: [turn.call('lookup', { word: 'a' })] });
  const response = await fake.fetch(`https://fake.test/v1beta/models/${MODEL}:generateContent`, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'test-key' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Go.' }] }] }),
  });
  const body = (await response.json()) as GenerateContentResponse;
  return body.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature as string;
}
const SIGNATURE = await issuedSignature();

async function serve(script: FakeScript, transport: 'fetch' | 'node') {
  const requests: FakeRecordedRequest[] = [];
  const fake = createFakeGemini({ script, onRequest: (request) => requests.push(request) });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false, transport });
  const sent = (index: number) =>
    (requests[index]?.body as { contents: unknown[] } | undefined)?.contents ?? [];
  return { gemini, sent };
}

function usage(prompt: number, answer: number) {
  return {
    prompt_token_count: prompt,
    candidates_token_count: answer,
    total_token_count: prompt + answer,
  };
}

/** A snake_case answer of `parts`: one body, or streamed one part a chunk, the finish last. */
function snake(parts: unknown[], streamed: boolean, tokens = usage(10, 5)) {
  const chunk = (list: unknown[], last: boolean) =>
    ({
      candidates: [
        {
          content: { role: 'model', parts: list },
          ...(last ? { finish_reason: 'STOP', finish_message: 'done here' } : {}),
          index: 0,
        },
      ],
      ...(last ? { usage_metadata: tokens, model_version: MODEL } : {}),
    }) as GenerateContentResponse;
  if (!streamed) return turn.raw(chunk(parts, true));
  return turn.raw(parts.map((part, index) => chunk([part], index === parts.length - 1)));
}

const words: string[] = [];
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string(), snake_key: z.number() }),
  execute: ({ word, snake_key }) => {
    words.push(word);
    return `${word}: ${snake_key}`;
  },
});
// Arguments are a Struct: their keys are the tool's, `snake_key` kept as spelled.
const call = {
  function_call: { id: 'call-1', name: 'lookup', args: { word: 'a', snake_key: 7 } },
  thought_signature: SIGNATURE,
};

describe('a gateway answering in snake_case field names is read as the same answer', () => {
  for (const transport of ['fetch', 'node'] as const) {
    for (const streamed of [false, true]) {
      const mode = `${streamed ? 'streamed' : 'unary'}, ${transport} transport`;

      it(`the call runs, its signature goes back, usage and finish reason count (${mode})`, async () => {
        words.length = 0;
        const { gemini, sent } = await serve(
          [
            snake([{ text: 'Let me look.' }, call], streamed),
            snake([{ text: 'It is ' }, { text: 'a: 7.' }], streamed, usage(30, 4)),
          ],
          transport,
        );
        const agent = createAgent({ gemini, model: MODEL, tools: [lookup] });
        const result = streamed ? await agent.stream('Go.').result : await agent.run('Go.');
        expect(words).toEqual(['a']);
        expect(result.text).toBe('It is a: 7.');
        expect(result.steps.map((step) => step.finishReason)).toEqual(['STOP', 'STOP']);
        expect(result.steps[0]?.finishMessage).toBe('done here');
        expect(result.usage.totalTokenCount).toBe(15 + 34);
        expect(result.usage.promptTokenCount).toBe(40);
        expect(result.steps[0]?.toolCalls.map((called) => called.toolName)).toEqual(['lookup']);
        // The model's turn goes back as the same message (the API's spelling), values byte-equal.
        const modelTurn = sent(1)[1] as { role: string; parts: Record<string, unknown>[] };
        expect(modelTurn.role).toBe('model');
        expect(modelTurn.parts.at(-1)).toEqual({
          functionCall: { id: 'call-1', name: 'lookup', args: { word: 'a', snake_key: 7 } },
          thoughtSignature: SIGNATURE,
        });
        expect(sent(1)[2]).toEqual({
          role: 'user',
          parts: [
            {
              functionResponse: {
                id: 'call-1',
                name: 'lookup',
                response: { output: 'a: 7' },
              },
            },
          ],
        });
      });
    }
  }

  for (const streamed of [false, true]) {
    it(`in a chat, the history holds the call and its answer (${streamed ? 'streamed' : 'unary'})`, async () => {
      words.length = 0;
      const { gemini, sent } = await serve(
        [snake([call], streamed), snake([{ text: 'Found.' }], streamed), turn.text('Again.')],
        'fetch',
      );
      const chat = createChatSession({
        agent: createAgent({ gemini, model: MODEL, tools: [lookup] }),
      });
      const first = streamed ? await chat.sendStream('Hi.').result : await chat.send('Hi.');
      expect(first.text).toBe('Found.');
      expect(words).toEqual(['a']);
      expect((await chat.send('More.')).text).toBe('Again.');
      // The next send carries the whole exchange: question, call, its answer, the text answer.
      const history = sent(2) as { role: string; parts: Record<string, unknown>[] }[];
      expect(history.map((content) => Object.keys(content.parts[0] ?? {}).join())).toEqual([
        'text',
        'functionCall,thoughtSignature',
        'functionResponse',
        'text',
        'text',
      ]);
      await chat.close();
    });
  }

  it('a snake_case answer whose call is malformed fails with a typed error naming the field', async () => {
    const { gemini } = await serve(
      [snake([{ function_call: { name: 'lookup', args: ['a'] } }], false)],
      'fetch',
    );
    const error = await createAgent({ gemini, model: MODEL, tools: [lookup] })
      .run('Go.')
      .catch((caught: unknown) => caught);
    expect(ModelCallError.isInstance(error)).toBe(true);
    const cause = (error as ModelCallError).cause as Error;
    expect(cause.message).toContain('candidates[0].content.parts[0].functionCall.args');
    expect(cause.message).toContain('snake_case');
  });
});
