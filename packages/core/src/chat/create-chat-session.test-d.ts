import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import type { Gemini } from '../http/gemini.ts';
import type { Content } from '../wire/content.ts';
import type { ChatResult, ChatSession } from './chat-session.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore, type FileHistoryStore } from './create-file-history-store.ts';
import type { ChatTurn, HistoryStore } from './history-store.ts';

declare const gemini: Gemini;

describe('chat types', () => {
  it('carries the agent’s structured output type to every send', async () => {
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      output: z.object({ city: z.string() }),
    });
    const chat = createChatSession({ agent });
    expectTypeOf(chat).toEqualTypeOf<ChatSession<{ city: string }>>();

    const result = await chat.send('Largest city?');
    expectTypeOf(result).toEqualTypeOf<ChatResult<{ city: string }>>();
    expectTypeOf(result.output).toEqualTypeOf<{ city: string } | undefined>();
    expectTypeOf(result.chat.saved).toEqualTypeOf<boolean>();

    const stream = chat.sendStream('Again?');
    for await (const event of stream)
      expectTypeOf(event).toEqualTypeOf<AgentEvent<{ city: string }>>();
    expectTypeOf(await stream.result).toEqualTypeOf<ChatResult<{ city: string }>>();
  });

  it('takes a text, parts, or one user content, and nothing else', () => {
    const chat = createChatSession({ agent: createAgent({ gemini, model: 'gemini-2.5-flash' }) });
    const content: Content = { role: 'user', parts: [{ text: 'Hi' }] };
    void chat.send('Hi');
    void chat.send([{ text: 'Hi' }]);
    void chat.send(content);
    // @ts-expect-error a number is not a message
    void chat.send(42);
    // @ts-expect-error a history is not a message: the session loads it
    void chat.send([content]);
  });

  it('lets a store be written with plain or async functions', () => {
    const turns = new Map<string, ChatTurn[]>();
    const store: HistoryStore = {
      load: (id) => turns.get(id) ?? [],
      append: async (id, turn) => {
        turns.set(id, [...(turns.get(id) ?? []), turn]);
      },
      clear: (id) => {
        turns.delete(id);
      },
    };
    expectTypeOf(
      createFileHistoryStore({ directory: './chats' }),
    ).toEqualTypeOf<FileHistoryStore>();
    // @ts-expect-error a directory or a path, not both
    createFileHistoryStore({ directory: './chats', path: './chat.jsonl' });
    expectTypeOf(store.load).returns.toEqualTypeOf<
      readonly ChatTurn[] | Promise<readonly ChatTurn[]>
    >();
  });
});
