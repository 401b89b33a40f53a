import { createMemoryHistoryStore, type HistoryStore } from '@gemloop/core/chat';
import { silentLogger } from '@gemloop/core/logging';
import { describe, expect, it } from 'vitest';
import { createResponseIndex } from './response-index.ts';

// The OpenAI door's index of responses and conversations, on its own: who may find a response,
// when a continuation sends to its conversation or branches off it, and what the bounds forget.
// (create-openai-handler.test.ts drives the same through HTTP.)

const context = { logger: silentLogger };
const turn = (text: string) => ({ contents: [{ role: 'user' as const, parts: [{ text }] }] });

function index(
  options: { maxResponses?: number; maxConversations?: number; store?: HistoryStore } = {},
) {
  const store = options.store ?? createMemoryHistoryStore();
  const errors: unknown[] = [];
  const made = createResponseIndex({
    store,
    maxResponses: options.maxResponses ?? 100,
    maxConversations: options.maxConversations ?? 100,
    context,
    onError: (error) => errors.push(error),
  });
  return { index: made, store, errors };
}

/** Sends one turn to `conversation` as the door does, and records the response. */
async function answer(
  made: ReturnType<typeof index>,
  conversation: ReturnType<ReturnType<typeof index>['index']['create']>,
  id: string,
) {
  await made.store.append(conversation.key, turn(id), context);
  conversation.turns++;
  conversation.busy = false;
  made.index.record({ id, owner: conversation.owner, conversation, body: { id } });
}

describe('createResponseIndex', () => {
  it('finds a response for its owner only; a stranger and an unknown id get the same answer', async () => {
    const made = index();
    await answer(made, made.index.create('alice'), 'resp_1');
    expect(made.index.find('resp_1', 'alice')?.body).toEqual({ id: 'resp_1' });
    expect(made.index.find('resp_1', 'mallory')).toBeUndefined();
    expect(made.index.find('resp_2', 'alice')).toBeUndefined();
  });

  it('continuing the newest response sends to its conversation, claimed against a second send', async () => {
    const made = index();
    const conversation = made.index.create('alice');
    await answer(made, conversation, 'resp_1');
    const previous = made.index.find('resp_1', 'alice')!;
    expect(await made.index.continueFrom(previous)).toBe(conversation);
    expect(conversation.busy).toBe(true);
    // While it sends, continuing the same response branches instead of joining that history.
    const branch = await made.index.continueFrom(previous);
    expect(branch).not.toBe(conversation);
    expect(branch).toMatchObject({ owner: 'alice', turns: 1, busy: true });
  });

  it('continuing an older response copies the turns up to it into a new conversation', async () => {
    const made = index();
    const conversation = made.index.create('alice');
    await answer(made, conversation, 'resp_1');
    await answer(made, conversation, 'resp_2');
    const branch = await made.index.continueFrom(made.index.find('resp_1', 'alice')!);
    expect(branch.key).not.toBe(conversation.key);
    const turns = await made.store.load(branch.key, context);
    expect(turns.map((each) => (each.contents[0]!.parts[0] as { text: string }).text)).toEqual([
      'resp_1',
    ]);
    // The original conversation keeps both.
    expect(await made.store.load(conversation.key, context)).toHaveLength(2);
  });

  it('a branch whose copy fails is not left claimed, and the failure reaches the caller', async () => {
    const store = createMemoryHistoryStore();
    // A store of the user's (no `snapshot`, so a branch reads the turns with `load`).
    const failing: HistoryStore = {
      load: store.load,
      append: store.append,
      clear: store.clear,
    };
    const made = index({ store: failing });
    const conversation = made.index.create('alice');
    await answer(made, conversation, 'resp_1');
    await answer(made, conversation, 'resp_2');
    failing.load = async () => {
      throw new Error('store down');
    };
    await expect(made.index.continueFrom(made.index.find('resp_1', 'alice')!)).rejects.toThrow(
      'store down',
    );
  });

  it('a named conversation is per owner: two callers with one name never share it', () => {
    const made = index();
    const alice = made.index.named('alice', 'support');
    expect(made.index.named('alice', 'support')).toBe(alice);
    const bob = made.index.named('bob', 'support');
    expect(bob).not.toBe(alice);
    expect(bob.key).not.toBe(alice.key);
  });

  it('remove forgets a response for its owner only, and a head removed is no longer continued in place', async () => {
    const made = index();
    const conversation = made.index.create('alice');
    await answer(made, conversation, 'resp_1');
    const previous = made.index.find('resp_1', 'alice')!;
    expect(made.index.remove('resp_1', 'mallory')).toBe(false);
    expect(made.index.remove('resp_1', 'alice')).toBe(true);
    expect(made.index.remove('resp_1', 'alice')).toBe(false);
    expect(made.index.find('resp_1', 'alice')).toBeUndefined();
    expect(conversation.head).toBeUndefined();
    // A response held from before its removal still continues, as a branch.
    expect(await made.index.continueFrom(previous)).not.toBe(conversation);
  });

  it('past maxResponses the oldest response is forgotten', async () => {
    const made = index({ maxResponses: 2 });
    const conversation = made.index.create('alice');
    for (const id of ['r1', 'r2', 'r3']) await answer(made, conversation, id);
    expect(made.index.find('r1', 'alice')).toBeUndefined();
    expect(made.index.find('r3', 'alice')).toBeDefined();
    expect(made.index.size.responses).toBe(2);
  });

  it('past maxConversations the oldest idle one is forgotten, its turns cleared and its responses unknown', async () => {
    const made = index({ maxConversations: 2 });
    const first = made.index.create('alice');
    await answer(made, first, 'r1');
    const busy = made.index.create('alice');
    busy.busy = true;
    made.index.create('alice');
    expect(first.forgotten).toBe(true);
    expect(busy.forgotten).toBe(false);
    expect(made.index.find('r1', 'alice')).toBeUndefined();
    expect(made.index.remove('r1', 'alice')).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await made.store.load(first.key, context)).toEqual([]);
    expect(made.errors).toEqual([]);
  });

  it('a conversation that is sending, or the one just opened, is never forgotten, even past the bound', async () => {
    const made = index({ maxConversations: 1 });
    const sending = made.index.create('alice');
    sending.busy = true;
    // Every older conversation is sending: the new one stays, over the bound, until one is idle.
    const opened = made.index.create('bob');
    expect([sending.forgotten, opened.forgotten]).toEqual([false, false]);
    expect(made.index.size.conversations).toBe(2);
    opened.busy = true;
    await answer(made, opened, 'resp_bob');
    expect(made.index.find('resp_bob', 'bob')).toBeDefined();
    // Once idle, the oldest goes at the next open.
    sending.busy = false;
    made.index.create('carol');
    expect(sending.forgotten).toBe(true);
  });

  it('a store that fails to clear a forgotten conversation reports it through onError', async () => {
    const store = createMemoryHistoryStore();
    const made = index({
      maxConversations: 1,
      store: {
        ...store,
        load: store.load,
        append: store.append,
        clear: async () => {
          throw new Error('clear failed');
        },
      },
    });
    made.index.create('alice');
    made.index.create('alice');
    await new Promise((resolve) => setImmediate(resolve));
    expect(made.errors).toEqual([new Error('clear failed')]);
  });
});
