import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createScriptedGemini, textTurn } from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createFileHistoryStore } from '../chat/create-file-history-store.ts';
import { silentLogger } from '../logging/logger.ts';
import type { OutputGuardrail } from './guardrail.ts';
import { guardrails, guardrails as makeGuardrails } from './index.ts';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0))
    await rm(directory, { recursive: true, force: true });
});

const redact: OutputGuardrail = {
  name: 'redact-phone',
  check: ({ text }) => ({ type: 'rewrite', text: text.replace(/\d{3}-\d{4}/g, '[phone]') }),
};

describe('guardrails in a chat session', () => {
  it('session guardrails run on each message; a reloaded store keeps what the model saw and said', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gemloop-guardrails-chat-'));
    directories.push(directory);
    const gemini = createScriptedGemini([textTurn('Call 555-1234'), textTurn('Bye')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const checked: string[] = [];
    const guardrails = makeGuardrails({
      input: [
        {
          name: 'lower',
          check: ({ text }: { text: string }) => {
            checked.push(text);
            return { type: 'rewrite' as const, input: text.toLowerCase() };
          },
        },
      ],
      output: [redact],
    });
    const session = createChatSession({
      agent,
      id: 'c1',
      store: createFileHistoryStore({ directory }),
      guardrails,
    });
    const first = await session.send('HELLO');
    expect(first.text).toBe('Call [phone]');
    const stream = session.sendStream('AGAIN');
    for await (const _event of stream) {
      // drain
    }
    expect((await stream.result).text).toBe('Bye');
    expect(checked).toEqual(['HELLO', 'AGAIN']);
    await session.close();

    const reloaded = createChatSession({
      agent,
      id: 'c1',
      store: createFileHistoryStore({ directory }),
    });
    const turns = await reloaded.store.load('c1', { logger: silentLogger });
    const contents = turns.flatMap((turn) => turn.contents);
    // The rewritten input is what was sent and stored; the model's answer is stored verbatim.
    expect(contents.map((content) => content.parts?.[0]?.text)).toEqual([
      'hello',
      'Call 555-1234',
      'again',
      'Bye',
    ]);
    await reloaded.close();
  });

  it('a send’s own guardrails run after the session’s, and a trip saves nothing', async () => {
    const order: string[] = [];
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('never')]),
      model: 'gemini-2.5-flash',
    });
    const session = createChatSession({
      agent,
      guardrails: guardrails({
        input: [{ name: 'session', check: () => void order.push('session') }],
      }),
    });
    const error = await session
      .send('x', {
        guardrails: guardrails({
          input: [
            {
              name: 'send',
              check: () => {
                order.push('send');
                return { type: 'block', reason: 'no' };
              },
            },
          ],
        }),
      })
      .catch((caught: unknown) => caught);
    expect(GuardrailTrippedError.isInstance(error)).toBe(true);
    expect(order).toEqual(['session', 'send']);
    expect(await session.store.load(session.id, { logger: silentLogger })).toEqual([]);
  });
});
