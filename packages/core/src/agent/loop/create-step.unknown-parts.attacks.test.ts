import { createFakeGemini, type FakeGemini, type FakeScript, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatSession } from '../../chat/create-chat-session.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Content, Part } from '../../wire/content.ts';
import { createAgent } from '../create-agent.ts';

// A part of a kind this version does not know: a newer API's member of the `Part.data` oneof
// (the way `toolCall`/`toolResponse` came, gemini-wire.md §7), with its own thought signature.
// The loop must send every model Content back verbatim (gemini-wire.md §10.2; "pass it back
// exactly as received", DOC-TS), so it cannot tell such a part from an empty one by the names it
// knows: it dropped the part and its signature, silently, from the next step's request, from
// `result.contents` and so from a chat's history (attack44c; unary and streamed alike).

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const FUTURE_FIELDS = ['futureAnswer', 'futureMedia'];

/**
 * The fake speaks today's API, which refuses a field it does not know; the newer API that wrote
 * these parts takes them back. So the bodies are recorded as gemloop sent them, and the fake gets
 * a copy with an empty text in place of each future field, standing in for that newer API.
 */
function serve(script: FakeScript) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const sent: { contents: Content[] }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body)) as { contents: Content[] };
    sent.push(structuredClone(body));
    for (const content of body.contents)
      for (const part of content.parts ?? [])
        for (const field of FUTURE_FIELDS) {
          const record = part as Record<string, unknown>;
          if (!(field in record)) continue;
          // Today's oneof member in its place: the newer API reads the part as data.
          delete record[field];
          record['text'] = '';
        }
    return fake.fetch(input, { ...init, body: JSON.stringify(body) });
  };
  return { sent, gemini: createGemini({ fetch, apiKey: 'test-key', retry: false }) };
}

const MODEL = 'gemini-2.5-flash';
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});
const call = { functionCall: { name: 'lookup', args: { word: 'a' } } };
// Unknown to gemloop and to the fake's contract alike; plain JSON for the wire.
const future = { futureAnswer: { kind: 'chart', rows: 2 }, thoughtSignature: 'c2lnLWZ1dHVyZQ==' };
const futureAlone = { partMetadata: { source: 'x' }, futureMedia: { uri: 'x' } };

function responses(parts: unknown[], streamed: boolean) {
  const response = (list: unknown[]) => ({
    candidates: [{ content: { role: 'model', parts: list as Part[] }, finishReason: 'STOP' }],
  });
  // Streamed: one part a chunk, as a Gemini stream sends a new part.
  return turn.raw(streamed ? parts.map((part) => response([part])) : response(parts));
}

describe('a part of a kind unknown to this version is sent back verbatim', () => {
  for (const streamed of [false, true]) {
    const mode = streamed ? 'streamed' : 'unstreamed';

    it(`in a call turn, ${mode}: the next step's request holds it where it was`, async () => {
      const parts = [future, call, futureAlone];
      const { sent, gemini } = serve([responses(parts, streamed), turn.text('done')]);
      const agent = createAgent({ gemini, model: MODEL, tools: [lookup] });
      const result = streamed ? await agent.stream('Go.').result : await agent.run('Go.');
      expect(result.text).toBe('done');
      expect(JSON.stringify(sent[1]?.contents[1])).toBe(JSON.stringify({ role: 'model', parts }));
    });

    it(`in an answer, ${mode}: kept in result.contents and in the chat's next send`, async () => {
      const parts = [{ text: 'first' }, future];
      const { sent, gemini } = serve([responses(parts, streamed), turn.text('second')]);
      const chat = createChatSession({ agent: createAgent({ gemini, model: MODEL }) });
      const first = streamed ? await chat.sendStream('Hi.').result : await chat.send('Hi.');
      expect(first.text).toBe('first');
      expect(first.contents.at(-1)).toEqual({ role: 'model', parts });
      expect((await chat.send('Again.')).text).toBe('second');
      expect(sent[1]?.contents[1]).toEqual({ role: 'model', parts });
      await chat.close();
    });
  }
});
