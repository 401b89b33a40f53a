import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as rare from '../../../testing/src/__fixtures__/rare-model-turns.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createFileHistoryStore } from '../chat/create-file-history-store.ts';
import { compaction } from '../compaction/compaction.ts';
import { handoff } from '../composition/handoff.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content, Part } from '../wire/content.ts';
import { createAgent } from './create-agent.ts';

// attack46b: the model's Content goes back verbatim on every path a user has (gemini-wire.md §6
// rule 1, "pass it back exactly as received"), rare and newer shapes included: signatures on
// text, calls and empty text; parallel calls signed on the first only; thought parts; code
// execution; model media; `videoMetadata`, `partMetadata`; call ids; a part, a Content and a call
// with a key this version does not know. Each test reads the NEXT request as gemloop sent it.

const fakes: FakeGemini[] = [];
const directories: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const MODEL = 'gemini-3-flash-preview';

/** A model call turn of every rare shape calling `name`; `extra` right after the signed call. */
const callTurn = (name: string, extra: Part[] = [], args: object = { word: 'a' }) =>
  rare.callTurn({ name, args, afterCall: extra });

/** A second, parallel call with no signature (Gemini 3 signs the first only). */
const secondCall = rare.parallelCall();

/** An answer turn of rare shapes: a signed text, a future part, a Content-level future key. */
const answerTurn = rare.answerTurn();

/** The turn as the fake answers it: whole, or one part a chunk (Content fields on the first). */
const reply = (content: Content, streamed: boolean): FakeTurn => rare.reply(content, streamed);

/**
 * The fake speaks today's API, which refuses a key it does not know; the newer API that wrote
 * these turns takes them back. So the bodies are recorded as gemloop sent them, and the fake gets
 * a copy without the future keys (a future part becomes an empty text) and without the signatures
 * (made up here), as Gemini 2.5 (which takes calls unsigned); gemloop still speaks to Gemini 3.
 */
function serve(script: FakeTurn[]) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const sent: { contents: Content[] }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body)) as { contents: Content[] };
    sent.push(structuredClone(body));
    for (const content of body.contents) {
      stripFuture(content);
      for (const part of content.parts ?? []) {
        const record = part as Record<string, unknown>;
        if ('futureThing' in record) record['text'] = '';
        stripFuture(record);
        delete record['thoughtSignature'];
        if (part.functionCall) stripFuture(part.functionCall);
      }
    }
    const url = String(input).replace(MODEL, 'gemini-2.5-flash');
    return fake.fetch(url, { ...init, body: JSON.stringify(body) });
  };
  return { sent, gemini: createGemini({ fetch, apiKey: 'test-key', retry: false }) };
}

function stripFuture(record: object): void {
  for (const key of Object.keys(record))
    if (key.startsWith('future')) delete (record as Record<string, unknown>)[key];
}

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});

/** The model Contents of a request, each one as sent. */
const modelTurns = (body: { contents: Content[] } | undefined) =>
  (body?.contents ?? []).filter((content) => content.role === 'model');

for (const streamed of [false, true]) {
  const mode = streamed ? 'streamed' : 'unary';
  const run = async (agent: ReturnType<typeof createAgent>, input: string) =>
    streamed ? await agent.stream(input).result : await agent.run(input);

  describe(`the model's Content is sent back verbatim (${mode})`, () => {
    it('in the next step of a run: a call turn of every rare shape, parallel calls', async () => {
      const turnSent = callTurn('lookup', [secondCall]);
      const { sent, gemini } = serve([reply(turnSent, streamed), reply(answerTurn, streamed)]);
      const agent = createAgent({ gemini, model: MODEL, tools: [lookup] });
      const result = await run(agent, 'Go.');
      expect(result.text).toBe('The answer.');
      expect(sent).toHaveLength(2);
      expect(sent[1]?.contents[1]).toEqual(turnSent);
      expect(JSON.stringify(sent[1]?.contents[1])).toBe(JSON.stringify(turnSent));
      // Nothing invented: the user turn of responses is the only other Content.
      expect(sent[1]?.contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
      expect(result.contents.at(-1)).toEqual(answerTurn);
    });

    it("in a chat's next send, from the memory store and from a file store read again", async () => {
      const directory = await mkdtemp(join(tmpdir(), 'verbatim-'));
      directories.push(directory);
      const { sent, gemini } = serve([
        reply(callTurn('lookup'), streamed),
        reply(answerTurn, streamed),
        turn.text('again'),
        reply(callTurn('lookup'), streamed),
        reply(answerTurn, streamed),
        turn.text('again'),
      ]);
      const agent = createAgent({ gemini, model: MODEL, tools: [lookup] });
      const send = async (chat: ReturnType<typeof createChatSession>, text: string) =>
        streamed ? await chat.sendStream(text).result : await chat.send(text);
      const memory = createChatSession({ agent });
      expect((await send(memory, 'Hi.')).contents.at(-1)).toEqual(answerTurn);
      await send(memory, 'Again.');
      expect(modelTurns(sent[2])).toEqual([callTurn('lookup'), answerTurn]);
      await memory.close();

      // A file store: written by one store, read back by a new one (a restarted process).
      const written = createChatSession({
        agent,
        id: 'c',
        store: createFileHistoryStore({ directory }),
      });
      await send(written, 'Hi.');
      await written.close();
      const read = createChatSession({
        agent,
        id: 'c',
        store: createFileHistoryStore({ directory }),
      });
      await send(read, 'Again.');
      await read.close();
      expect(modelTurns(sent[5])).toEqual([callTurn('lookup'), answerTurn]);
      expect(JSON.stringify(modelTurns(sent[5]))).toBe(
        JSON.stringify([callTurn('lookup'), answerTurn]),
      );
    });

    it("in a subagent's own next step, and the parent's", async () => {
      const { sent, gemini } = serve([
        reply(callTurn('search', [], { task: 'Look.' }), streamed), // the lead calls the child
        reply(callTurn('lookup'), streamed), // the child calls lookup
        reply(answerTurn, streamed), // the child answers
        turn.text('lead done'),
      ]);
      const child = createAgent({ gemini, model: MODEL, tools: [lookup] });
      const lead = createAgent({
        gemini,
        model: MODEL,
        tools: [subagent(child, { name: 'search', description: 'Searches.' })],
      });
      const result = await run(lead, 'Go.');
      expect(result.text).toBe('lead done');
      expect(modelTurns(sent[2])).toEqual([callTurn('lookup')]);
      expect(modelTurns(sent[3])).toEqual([callTurn('search', [], { task: 'Look.' })]);
    });

    it("in a handoff's receiving agent", async () => {
      const { sent, gemini } = serve([
        reply(callTurn('transfer_to_billing'), streamed),
        turn.text('billing here'),
      ]);
      const billing = createAgent({ gemini, model: MODEL, name: 'billing' });
      const triage = createAgent({ gemini, model: MODEL, tools: [handoff(billing)] });
      const result = await run(triage, 'Go.');
      expect(result.text).toBe('billing here');
      expect(modelTurns(sent[1])).toEqual([callTurn('transfer_to_billing')]);
    });

    it('across the hops of a long decode (continuation), merged into one turn', async () => {
      const whole = callTurn('lookup', [secondCall]);
      const half = Math.ceil(whole.parts.length / 2);
      const { futureContentField: _, ...second } = whole as Content & {
        futureContentField: unknown;
      };
      const hops = [
        reply({ ...whole, parts: whole.parts.slice(0, half) }, streamed),
        reply({ ...second, parts: whole.parts.slice(half) }, streamed),
      ];
      const { sent, gemini } = serve([turn.continued(hops), reply(answerTurn, streamed)]);
      const agent = createAgent({ gemini, model: MODEL, tools: [lookup] });
      const result = await run(agent, 'Go.');
      expect(result.text).toBe('The answer.');
      // One model turn, as one response would have given it: the Content's own key kept.
      expect(modelTurns(sent.at(-1))).toEqual([whole]);
      expect(JSON.stringify(modelTurns(sent.at(-1)))).toBe(JSON.stringify([whole]));
    });

    it("as a new run's input: a result's contents handed back (agent.run(contents))", async () => {
      const { sent, gemini } = serve([
        reply(callTurn('lookup'), streamed),
        reply(answerTurn, streamed),
        turn.text('again'),
      ]);
      const agent = createAgent({ gemini, model: MODEL, tools: [lookup] });
      const first = await run(agent, 'Go.');
      const input = [...first.contents, { role: 'user' as const, parts: [{ text: 'More.' }] }];
      const second = streamed ? await agent.stream(input).result : await agent.run(input);
      expect(second.text).toBe('again');
      expect(modelTurns(sent[2])).toEqual([callTurn('lookup'), answerTurn]);
    });

    it('through a compaction that keeps the recent turns', async () => {
      const { sent, gemini } = serve([
        reply(callTurn('lookup'), streamed),
        reply(callTurn('lookup'), streamed),
        turn.text('done'),
      ]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [lookup],
        compaction: compaction({ everySteps: 1, keepRecent: 4, clearToolResults: false }),
      });
      const result = await run(agent, 'Go.');
      expect(result.text).toBe('done');
      const last = modelTurns(sent[2]);
      expect(last.at(-1)).toEqual(callTurn('lookup'));
      expect(last.at(-2)).toEqual(callTurn('lookup'));
    });
  });
}
