// Aborts at odd moments (attack-core11): a signal already aborted whose reason is the API key (a
// string, an Error quoting it), an abort whose reason is the key while a tool waits on it, and an
// abort while a chat store is writing the turn. What the caller reads of the error, the spans and
// the run file must not hold the key. Public imports only, the fake Gemini on 127.0.0.1.
import { inspect } from 'node:util';
import { createAgent, createChatSession, defineTool } from '@gemloop/core';
import { type ChatTurn, createMemoryHistoryStore } from '@gemloop/core/chat';
import { silentLogger } from '@gemloop/core/logging';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { observedOutputs } from './observed-outputs.ts';
import { everything, KEY, MODEL, MODES, outcome, serve } from './outside-attack-kit.ts';

/** The key in none of what the caller and the outputs hold of a run that ended with `error`. */
async function expectNoKey(error: unknown, read: () => Promise<Record<string, string>>) {
  expect(error).toBeDefined();
  const { recorded, spans, logs } = await read();
  expect(logs).not.toContain(KEY);
  expect(everything(error)).not.toContain(KEY);
  expect(inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(KEY);
  expect(spans).not.toContain(KEY);
  expect(recorded).not.toContain(KEY);
}

const reasons = {
  'the key as a string': () => KEY,
  'an Error quoting the key': () => new Error(`cancelled by ops, key ${KEY}`),
  'an object holding the key': () => ({ apiKey: KEY }),
};

describe('an abort whose reason is the key', () => {
  for (const [name, reason] of Object.entries(reasons)) {
    for (const mode of MODES) {
      it(`already aborted, ${name} (${mode}): nothing sent, the key in no error, span or run file`, async () => {
        const { fake, gemini } = await serve([turn.text('never')]);
        const { options, read } = await observedOutputs();
        const agent = createAgent({ gemini, model: MODEL, ...options });
        const { error } = await outcome(agent, mode, 'Hi', { signal: AbortSignal.abort(reason()) });
        expect(fake.modelRequests).toHaveLength(0);
        await expectNoKey(error, read);
      });

      it(`aborted while a tool waits, ${name}, the tool rejecting with the signal's reason (${mode})`, async () => {
        const { gemini } = await serve([turn.call('wait', {}), turn.text('never')]);
        const { options, read } = await observedOutputs();
        const controller = new AbortController();
        const wait = defineTool({
          name: 'wait',
          parameters: z.object({}),
          execute: (_args, { signal }) =>
            new Promise((_resolve, reject) => {
              signal.addEventListener('abort', () => reject(signal.reason), { once: true });
              controller.abort(reason());
            }),
        });
        const agent = createAgent({ gemini, model: MODEL, tools: [wait], ...options });
        const { error } = await outcome(agent, mode, 'Hi', { signal: controller.signal });
        await expectNoKey(error, read);
      });
    }
  }
});

describe('an abort while the chat store writes the turn', () => {
  it('the send ends typed or saved, the turn is kept whole or not at all, and the next send sees it', async () => {
    const { gemini } = await serve([turn.text('first'), turn.text('second')]);
    const agent = createAgent({ gemini, model: MODEL });
    const memory = createMemoryHistoryStore();
    let releaseAppend!: () => void;
    let appendStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      appendStarted = resolve;
    });
    let holdNext = true;
    const store = {
      load: memory.load.bind(memory),
      clear: memory.clear.bind(memory),
      async append(id: string, stored: ChatTurn, context: { logger: typeof silentLogger }) {
        if (holdNext) {
          holdNext = false;
          appendStarted();
          await new Promise<void>((resolve) => {
            releaseAppend = resolve;
          });
        }
        await memory.append(id, stored, context);
      },
    };
    const chat = createChatSession({ agent, store, id: 's' });
    const controller = new AbortController();
    const sending = chat.send('Hi', { signal: controller.signal }).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    await started;
    controller.abort(KEY);
    releaseAppend();
    const first = await sending;
    // Either way, what the caller reads holds no key, and the store holds the turn whole.
    expect(everything('error' in first ? first.error : undefined)).not.toContain(KEY);
    expect((await memory.load('s', { logger: silentLogger })).length).toBe(1);
    const second = await chat.send('Again');
    expect(second.text).toBe('second');
    expect(second.chat.sentTurns).toBe(1);
  });
});

describe('a chat send aborted before its run, the reason the key', () => {
  it('already aborted: nothing sent or saved, the key in no error', async () => {
    const { fake, gemini } = await serve([turn.text('never')]);
    const agent = createAgent({ gemini, model: MODEL });
    const store = createMemoryHistoryStore();
    const chat = createChatSession({ agent, store, id: 's' });
    const error = await chat
      .send('Hi', { signal: AbortSignal.abort(new Error(`stop ${KEY}`)) })
      .catch((failure: unknown) => failure);
    expect(String((error as Error).name)).toBe('AgentAbortedError');
    expect(everything(error)).not.toContain(KEY);
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(
      KEY,
    );
    expect(fake.modelRequests).toHaveLength(0);
    expect(await store.load('s', { logger: silentLogger })).toEqual([]);
  });
});
