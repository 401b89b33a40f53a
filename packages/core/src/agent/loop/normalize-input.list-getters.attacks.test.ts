import { createAgent, createGemini } from '@gemloop/core';
import { createChatSession } from '@gemloop/core/chat';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';

// leftovers72 (attack59's leftover): attack59 made a content or part whose getter throws an
// InvalidHistoryError; the list itself (a Proxy over a database cursor, an array-like whose
// length or index getter throws) still let its own error out of run(), stream() and chat.send(),
// its message with it (here a connection string). Each now is the same typed history error
// (`invalid-contents`), the thrown message never copied, before any request.

const boom = (): never => {
  throw new Error('cursor closed: postgres://app:hunter2@db/app');
};

const contents = () => [
  { role: 'user', parts: [{ text: 'Hi' }] },
  { role: 'model', parts: [{ text: 'Hello.' }] },
  { role: 'user', parts: [{ text: 'Weather?' }] },
];

/** An array whose index `at` is a getter that throws (a lazy ORM collection). */
function withThrowingIndex<T>(list: T[], at: number): T[] {
  Object.defineProperty(list, at, { get: boom, enumerable: true, configurable: true });
  return list;
}

const lists: [string, () => unknown][] = [
  [
    'a Proxy over contents whose every trap throws',
    () =>
      new Proxy(contents(), {
        get: boom,
        has: boom,
        ownKeys: boom,
        getOwnPropertyDescriptor: boom,
      }),
  ],
  [
    'a Proxy over contents whose length throws',
    () =>
      new Proxy(contents(), {
        get: (target, key, receiver) =>
          key === 'length' ? boom() : Reflect.get(target, key, receiver),
      }),
  ],
  ['an array of contents whose last index getter throws', () => withThrowingIndex(contents(), 2)],
  [
    'a Proxy over parts whose every trap throws',
    () => new Proxy([{ text: 'Hi' }], { get: boom, has: boom, ownKeys: boom }),
  ],
  ['an array of parts whose index getter throws', () => withThrowingIndex([{ text: 'Hi' }], 0)],
];

/** The typed error `make()`'s list gets, with the fake model's request count. */
function expectHistoryError(error: unknown): void {
  expect(error).toMatchObject({ name: 'InvalidHistoryError', code: 'invalid-history' });
  expect((error as { issues: unknown[] }).issues).toEqual([
    expect.objectContaining({ code: 'invalid-contents', contentIndex: -1 }),
  ]);
  expect((error as Error).message).toMatch(/could not be read/);
  expect((error as Error).message).not.toContain('hunter2');
}

describe('agent.run() and agent.stream() on an input list whose reading throws', () => {
  it.each(lists)('refuse %s with an InvalidHistoryError, before any request', async (_l, make) => {
    const fake = createFakeGemini({ script: [turn.text('never')] });
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    for (const model of ['gemini-2.5-flash', 'gemini-3-flash-preview']) {
      const agent = createAgent({ gemini, model });
      expectHistoryError(await agent.run(make() as never).catch((caught: unknown) => caught));
      expectHistoryError(
        await agent.stream(make() as never).result.catch((caught: unknown) => caught),
      );
      // As the `history` option too: the same list, the same error.
      expectHistoryError(
        await agent.run('Hi', { history: make() as never }).catch((caught: unknown) => caught),
      );
      await agent.close();
    }
    expect(fake.modelRequests).toHaveLength(0);
    await fake.close();
  });
});

describe('agent.run() on a Proxy whose every entry reads fine', () => {
  it('reads it as the list it is: only a method it never needs throws', async () => {
    const fake = createFakeGemini({ script: [turn.text('Sunny.'), turn.text('Sunny.')] });
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
    // `slice` (and `constructor`, which `slice` would read for its result) throw: the list is
    // read by index once, so the run goes on (before: the trap's error out of run()).
    const proxy = () =>
      new Proxy(contents(), {
        get: (target, key, receiver) =>
          key === 'slice' || key === 'constructor' ? boom() : Reflect.get(target, key, receiver),
      });
    expect((await agent.run(proxy() as never)).text).toBe('Sunny.');
    expect((await agent.run('And now?', { history: proxy() as never })).text).toBe('Sunny.');
    await agent.close();
    expect((fake.modelRequests[0]?.body as { contents?: unknown } | undefined)?.contents).toEqual(
      contents(),
    );
    await fake.close();
  });
});

describe('chat.send() on a message whose parts list throws when read', () => {
  const parts: [string, () => unknown][] = [
    [
      'a Proxy over parts whose every trap throws',
      () => new Proxy([{ text: 'Hi' }], { get: boom, has: boom, ownKeys: boom }),
    ],
    ['an array of parts whose index getter throws', () => withThrowingIndex([{ text: 'Hi' }], 0)],
  ];
  it.each(parts)('refuses %s (bare and in a user content) before any request', async (_l, make) => {
    const fake = createFakeGemini({ script: [turn.text('never')] });
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
    const chat = createChatSession({ agent, id: 'session-1' });
    expectHistoryError(await chat.send(make() as never).catch((caught: unknown) => caught));
    expectHistoryError(
      await chat.send({ role: 'user', parts: make() } as never).catch((caught: unknown) => caught),
    );
    expectHistoryError(
      await chat.sendStream(make() as never).result.catch((caught: unknown) => caught),
    );
    await agent.close();
    expect(fake.modelRequests).toHaveLength(0);
    await fake.close();
  });
});
