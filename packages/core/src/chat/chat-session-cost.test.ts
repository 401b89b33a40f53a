import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { TreeBudgetError } from '../agent/errors/tree-budget-error.ts';
import { subagent } from '../composition/subagent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { cleanUp, serve, temporaryDirectory, weather } from './__fixtures__/chat-fixtures.ts';
import { ChatBudgetExceededError } from './chat-budget-exceeded-error.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import { createMemoryHistoryStore } from './create-memory-history-store.ts';

afterEach(cleanUp);

// gemini-2.5-flash: 100000 x $0.30/M + 1000 x $2.50/M = $0.0325 per call.
const model = 'gemini-2.5-flash';
const usage = { promptTokenCount: 100_000, candidatesTokenCount: 1_000 };

describe('chat session cost', () => {
  it('keeps a running total and each turn its own, saved with the turn in a file store', async () => {
    for (const streaming of [false, true]) {
      const { gemini } = await serve({
        script: [turn.text('one', { usage }), turn.text('two', { usage })],
      });
      const directory = await temporaryDirectory();
      const store = createFileHistoryStore({ directory });
      const chat = createChatSession({ agent: createAgent({ gemini, model }), store, id: 'c' });
      const send = (text: string) => (streaming ? chat.sendStream(text).result : chat.send(text));
      const first = await send('Hi');
      expect(first.cost.total).toBe('0.0325');
      expect(chat.cost.total).toBe('0.0325');
      const second = await send('Again');
      expect(second.chat.turn.cost?.total).toBe('0.0325');
      expect(chat.cost.total).toBe('0.065');
      await chat.close();
      // Reloaded from the file: each turn kept its cost.
      const reloaded = createFileHistoryStore({ directory });
      const turns = await createChatSession({
        agent: createAgent({ gemini, model }),
        store: reloaded,
        id: 'c',
      }).turns();
      expect(turns.map((saved) => saved.cost?.total)).toEqual(['0.0325', '0.0325']);
      await reloaded.close();
    }
  });

  it('ends the turn that goes over the budget, then refuses the next send with the cost so far', async () => {
    const { fake, gemini } = await serve({
      script: [
        turn.text('first', { usage }),
        turn.call('get_weather', { city: 'Paris' }, { usage }),
        turn.call('get_weather', { city: 'Oslo' }, { usage }),
        turn.text('never', { usage }),
      ],
    });
    const chat = createChatSession({
      agent: createAgent({ gemini, model, tools: [weather] }),
      budget: { maxCostUsd: 0.05 },
    });
    await chat.send('Hi'); // $0.0325
    const second = await chat.send('Weather?'); // over $0.05 after its first step
    expect(second.finishReason).toBe('stop-condition');
    expect(second.steps).toHaveLength(1);
    expect(chat.cost.total).toBe('0.065');
    const requests = fake.requests.length;
    const error = await chat.send('More?').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(ChatBudgetExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      maxCostUsd: 0.05,
      cost: { total: '0.065' },
      usage: { promptTokenCount: 200_000 },
    });
    expect((error as Error).message).toMatch(/spent \$0\.065 of its \$0\.05 budget/);
    expect(fake.requests).toHaveLength(requests);
    // The streamed send is refused the same way.
    await expect(chat.sendStream('More?').result).rejects.toBeInstanceOf(ChatBudgetExceededError);
  });

  it('bounds the subagents of a send by what is left of the budget (streamed and unary)', async () => {
    for (const streaming of [false, true]) {
      const echo = defineTool({
        name: 'echo',
        parameters: z.object({ text: z.string() }),
        execute: ({ text }) => text,
      });
      // Each scripted call: 10 input and 5 output tokens of gemini-2.5-flash, $0.0000155.
      const childGemini = createScriptedGemini([
        callsTurn(['echo', { text: 'a' }, 'e1']),
        callsTurn(['echo', { text: 'b' }, 'e2']),
        textTurn('done'),
      ]);
      const child = createAgent({ gemini: childGemini, model, tools: [echo] });
      const agent = createAgent({
        gemini: createScriptedGemini([callsTurn(['worker', { task: 'go' }, 'w1']), textTurn('ok')]),
        model,
        tools: [subagent(child, { name: 'worker', description: 'Works.' })],
      });
      const chat = createChatSession({ agent, budget: { maxCostUsd: '0.00002' } });
      const error = await (streaming ? chat.sendStream('go').result : chat.send('go')).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      // The top call ($0.0000155) and the child's first ($0.000031 in all) fit; the child's
      // second is refused, not run: the session's budget holds inside the tree.
      expect(TreeBudgetError.isInstance(error)).toBe(true);
      expect((error as TreeBudgetError).path).toEqual(['worker#1']);
      expect(childGemini.calls).toHaveLength(1);
    }
  });

  it('a session reopened on its store goes on from the stored usage and cost (memory and file stores)', async () => {
    for (const kind of ['memory', 'file'] as const) {
      const { gemini } = await serve({
        script: [
          turn.text('one', { usage }),
          turn.text('two', { usage }),
          turn.text('three', { usage }),
        ],
      });
      const directory = await temporaryDirectory();
      // A file store opened again is what a new process sees: nothing shared in memory.
      const open = () => (kind === 'memory' ? memory : createFileHistoryStore({ directory }));
      const memory = createMemoryHistoryStore();
      const first = open();
      const chat = createChatSession({
        agent: createAgent({ gemini, model }),
        store: first,
        id: 'c',
      });
      await chat.send('Hi');
      await chat.sendStream('Again').result;
      expect(chat.cost.total).toBe('0.065');
      await chat.close();
      await (first as { close?: () => Promise<void> }).close?.();

      const store = open();
      const reopened = createChatSession({
        agent: createAgent({ gemini, model }),
        store,
        id: 'c',
        budget: { maxCostUsd: 0.1 },
      });
      await reopened.turns();
      expect(reopened.cost.total).toBe('0.065');
      expect(reopened.usage).toMatchObject({
        promptTokenCount: 200_000,
        candidatesTokenCount: 2_000,
      });
      // The budget counts what the conversation spent before: $0.0975 after this send, then over.
      await reopened.send('Third');
      expect(reopened.cost.total).toBe('0.0975');
      expect((await reopened.turns()).at(-1)?.sessionSpend?.cost.total).toBe('0.0975');
      await reopened.close();
      await (store as { close?: () => Promise<void> }).close?.();
    }
  });

  it('a session on a history saved without its spend (an older gemloop) loads it and starts from zero', async () => {
    const { gemini } = await serve({
      script: [turn.text('one', { usage }), turn.text('two', { usage })],
    });
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory });
    const chat = createChatSession({ agent: createAgent({ gemini, model }), store, id: 'old' });
    await chat.send('Hi');
    await chat.close();
    await store.close();
    // The line as an older gemloop wrote it: no sessionSpend.
    const [file] = await readdir(directory);
    const path = join(directory, file as string);
    const line = JSON.parse((await readFile(path, 'utf8')).trim()) as Record<string, unknown>;
    expect(line['sessionSpend']).toBeDefined();
    delete line['sessionSpend'];
    await writeFile(path, `${JSON.stringify(line)}\n`);

    const reopenedStore = createFileHistoryStore({ directory });
    const reopened = createChatSession({
      agent: createAgent({ gemini, model }),
      store: reopenedStore,
      id: 'old',
    });
    const turns = await reopened.turns();
    expect(turns).toHaveLength(1);
    expect(turns[0]?.cost?.total).toBe('0.0325');
    expect(reopened.cost.total).toBe('0');
    await reopened.send('Again');
    expect(reopened.cost.total).toBe('0.0325');
    await reopened.close();
    await reopenedStore.close();
  });

  it('refuses a budget that is not dollars', async () => {
    const { gemini } = await serve({ script: [] });
    expect(() =>
      createChatSession({
        agent: createAgent({ gemini, model }),
        budget: { maxCostUsd: -1 },
      }),
    ).toThrow(InvalidArgumentError);
  });
});
