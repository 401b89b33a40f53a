import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, type FakeScript, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createFileHistoryStore } from '../chat/create-file-history-store.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content, Part } from '../wire/content.ts';
import { createAgent } from './create-agent.ts';

// A model answer (a gateway's translation, most likely) with a part that holds no data field: `{}`,
// `{text: null}` (null is absent), a bare `thought` flag. The API refuses such a
// part in a request ("required oneof field 'data' must have one initialized field"), so the loop
// must not send it back: it made the next step of a call turn fail with a 400, and an answer left
// it in result.contents, which the next run (and every later send of a chat) refused.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function serve(script: FakeScript) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  return { fake, gemini: createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false }) };
}

const answer = (parts: unknown[]) =>
  turn.raw({
    candidates: [{ content: { role: 'model', parts: parts as Part[] }, finishReason: 'STOP' }],
  });
const SKIP = 'skip_thought_signature_validator';
const call = { functionCall: { name: 'echo', args: { s: 'x' } }, thoughtSignature: SKIP };
const echo = defineTool({
  name: 'echo',
  parameters: z.object({ s: z.string() }),
  execute: (a) => a,
});
const MODEL = 'gemini-3-flash-preview';

const dataless: [string, unknown][] = [
  ['an empty part', {}],
  ['a null text', { text: null }],
  ['a thought flag alone', { thought: true }],
];

describe('a model part without data never reaches the history', () => {
  for (const [name, part] of dataless) {
    for (const streamed of [false, true]) {
      const mode = streamed ? 'streamed' : 'unstreamed';
      it(`${name} in a call turn, ${mode}: the next step is sent without it`, async () => {
        const { fake, gemini } = serve([answer([call, part]), turn.text('done')]);
        const agent = createAgent({ gemini, model: MODEL, tools: [echo] });
        const result = streamed ? await agent.stream('Go.').result : await agent.run('Go.');
        expect(result.text).toBe('done');
        const sent = fake.modelRequests[1]?.body as { contents: Content[] } | undefined;
        expect(sent?.contents[1]?.parts).toEqual([call]);
      });

      it(`${name} in an answer, ${mode}: the chat's next send goes through`, async () => {
        const { gemini } = serve([answer([{ text: 'first' }, part]), turn.text('second')]);
        const chat = createChatSession({ agent: createAgent({ gemini, model: MODEL }) });
        const first = streamed ? await chat.sendStream('Hi.').result : await chat.send('Hi.');
        expect(first.text).toBe('first');
        expect((await chat.send('Again.')).text).toBe('second');
        await chat.close();
      });
    }
  }

  // A signature alone (with at most `thought`) is data enough: the API takes it back, and it must
  // stay in its own part (a Gemini 3 stream's last chunk as Go's genai SDK writes it).
  for (const part of [{ thoughtSignature: SKIP }, { thought: true, thoughtSignature: SKIP }]) {
    for (const streamed of [false, true]) {
      const mode = streamed ? 'streamed' : 'unstreamed';
      it(`keeps ${JSON.stringify(part)} verbatim in a call turn, ${mode}`, async () => {
        const { fake, gemini } = serve([answer([call, part]), turn.text('done')]);
        const agent = createAgent({ gemini, model: MODEL, tools: [echo] });
        const result = streamed ? await agent.stream('Go.').result : await agent.run('Go.');
        expect(result.text).toBe('done');
        const sent = fake.modelRequests[1]?.body as { contents: Content[] } | undefined;
        expect(sent?.contents[1]?.parts).toEqual([call, part]);
      });

      it(`keeps ${JSON.stringify(part)} verbatim after an answer, ${mode}, and the chat goes on`, async () => {
        const { fake, gemini } = serve([answer([{ text: 'first' }, part]), turn.text('second')]);
        const chat = createChatSession({ agent: createAgent({ gemini, model: MODEL }) });
        const first = streamed ? await chat.sendStream('Hi.').result : await chat.send('Hi.');
        expect(first.text).toBe('first');
        expect(first.contents.at(-1)).toEqual({ role: 'model', parts: [{ text: 'first' }, part] });
        expect((await chat.send('Again.')).text).toBe('second');
        const sent = fake.modelRequests[1]?.body as { contents: Content[] } | undefined;
        expect(sent?.contents[1]?.parts).toEqual([{ text: 'first' }, part]);
        await chat.close();
      });
    }
  }

  it('keeps a lone signature through a chat on a file store, reloaded by another session', async () => {
    const part = { thoughtSignature: SKIP };
    const { fake, gemini } = serve([answer([{ text: 'first' }, part]), turn.text('second')]);
    const directory = await mkdtemp(join(tmpdir(), 'gemloop-signature-only-'));
    try {
      const agent = createAgent({ gemini, model: MODEL });
      const chat = createChatSession({
        agent,
        id: 'go-user',
        store: createFileHistoryStore({ directory }),
      });
      await chat.sendStream('Hi.').result;
      await chat.close();
      const reopened = createChatSession({
        agent,
        id: 'go-user',
        store: createFileHistoryStore({ directory }),
      });
      expect((await reopened.send('Again.')).text).toBe('second');
      await reopened.close();
      const sent = fake.modelRequests[1]?.body as { contents: Content[] } | undefined;
      expect(sent?.contents[1]?.parts).toEqual([{ text: 'first' }, part]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('re-asks an answer made only of such parts, as an empty one', async () => {
    const { gemini } = serve([answer([{}, { text: null }]), turn.text('done')]);
    const result = await createAgent({ gemini, model: MODEL }).run('Hi.');
    expect(result.text).toBe('done');
    expect(result.steps[0]?.reask?.reason).toBe('empty-response');
  });
});
