import { AsyncLocalStorage } from 'node:async_hooks';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createChatSession, createMemoryHistoryStore } from '@gemloop/core/chat';
import { toolResultCache } from '@gemloop/core/tool-result-cache';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// attack48a: one agent with a session-scoped tool-result cache (as docs/loops-that-dont-waste.md
// shows it, on the agent), shared by the users of a server that keeps each tenant's chats in a
// store of its own, under ids that are unique within that store only (`main`, `chat-1`): the
// same id in two stores is two conversations (the chat queues by store and id), and one user's
// cached tool result must never answer the other's call.

const MODEL = 'gemini-2.5-flash';

describe('a session-scoped tool-result cache on an agent shared by tenants', () => {
  it('keeps the same session id in two tenants’ stores apart', async () => {
    const currentUser = new AsyncLocalStorage<string>();
    const reads: string[] = [];
    const readInbox = defineTool({
      name: 'read_inbox',
      parameters: z.object({}),
      execute: () => {
        reads.push(String(currentUser.getStore()));
        return { inbox: `the private mail of ${currentUser.getStore()}` };
      },
    });
    await using fake = createFakeGemini({
      script: (_request, context) =>
        context.functionResponses.length === 0
          ? turn.call('read_inbox', {})
          : turn.text(JSON.stringify(context.functionResponses[0]?.response)),
    });
    const { url } = await fake.listen();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: MODEL,
      tools: [readInbox],
      plugins: [toolResultCache({ scope: 'session', tools: { read_inbox: { effect: 'read' } } })],
    });
    const tenants = ['alice', 'bob'];
    const stores = new Map(tenants.map((tenant) => [tenant, createMemoryHistoryStore()]));
    const answers = await Promise.all(
      tenants.map((tenant) =>
        currentUser.run(tenant, async () => {
          const chat = createChatSession({ agent, store: stores.get(tenant), id: 'main' });
          const result = await chat.send('What is in my inbox?');
          return result.text;
        }),
      ),
    );
    expect(answers[0]).toContain('the private mail of alice');
    expect(answers[1]).toContain('the private mail of bob');
    expect(reads.sort()).toEqual(['alice', 'bob']);

    // The same conversation (its store and id) through another session object is still served
    // from the cache: Alice's second send reads nothing again.
    const again = await currentUser.run('alice', () =>
      createChatSession({ agent, store: stores.get('alice'), id: 'main' }).send('And now?'),
    );
    expect(again.text).toContain('the private mail of alice');
    expect(reads.sort()).toEqual(['alice', 'bob']);
    await agent.close();
  });
});
