import { type ChatTurn, createMemoryHistoryStore } from '@gemloop/core/chat';
import { silentLogger } from '@gemloop/core/logging';
import { describe, expect, it } from 'vitest';
import { countingLoads } from './__fixtures__/counting-loads.ts';
import { createSendStore } from './create-send-store.ts';

const context = { logger: silentLogger };
const userTurn = (text: string): ChatTurn => ({ contents: [{ role: 'user', parts: [{ text }] }] });
const modelTurn = (text: string, agent?: unknown): ChatTurn =>
  ({ contents: [{ role: 'model', parts: [{ text }] }], agent }) as ChatTurn;

describe('createSendStore', () => {
  it('learns the holder from the send’s own load, and reads the store no more', async () => {
    const { store, loads } = countingLoads(createMemoryHistoryStore());
    await store.append('thread', modelTurn('{"city":"Paris"}', 'cities'), context);
    const seen = createSendStore({ store, key: 'thread' });
    expect(seen.holder()).toBeUndefined();
    expect(await seen.load('thread', context)).toHaveLength(1);
    expect(seen.holder()).toBe('cities');
    expect(loads).toEqual(['thread']);
  });

  it('another id’s load names no holder; a stored agent that is no name is none', async () => {
    const backing = createMemoryHistoryStore();
    await backing.append('other', modelTurn('hi', 'cities'), context);
    await backing.append('thread', modelTurn('hi', 42), context);
    const seen = createSendStore({ store: backing, key: 'thread' });
    await seen.load('other', context);
    expect(seen.holder()).toBeUndefined();
    await seen.load('thread', context);
    expect(seen.holder()).toBeUndefined();
  });

  it('shows `earlier` as the newest turn, written only with the send’s own turn', async () => {
    const backing = createMemoryHistoryStore();
    await backing.append('thread', modelTurn('before', 'cities'), context);
    const earlier = userTurn('earlier item');
    const seen = createSendStore({ store: backing, key: 'thread', earlier });
    expect(await seen.load('thread', context)).toEqual([modelTurn('before', 'cities'), earlier]);
    // The newest turn the send reads is the request's own: no agent holds it.
    expect(seen.holder()).toBeUndefined();
    expect(seen.written()).toBe(false);
    expect(await backing.load('thread', context)).toHaveLength(1);
    await seen.append('thread', modelTurn('answer'), context);
    expect(seen.written()).toBe(true);
    expect(await backing.load('thread', context)).toEqual([
      modelTurn('before', 'cities'),
      earlier,
      modelTurn('answer'),
    ]);
  });
});
