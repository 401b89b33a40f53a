import { createAgent, createGemini } from '@gemloop/core';
import { validateHistory } from '@gemloop/core/history';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';

// attack59: a history handed in from elsewhere (an ORM row with lazy getters, a Proxy over a
// database cursor) whose reading throws. validateHistory promises never to throw, whatever
// `contents` is (it is the gate for untrusted input); the agent must refuse such a history with
// its typed InvalidHistoryError, not let the getter's bare Error out.

const boom = (): never => {
  throw new Error('lazy field failed: postgres://app:hunter2@db/app');
};

const hostile: [string, () => unknown, { contentIndex: number; partIndex?: number }][] = [
  [
    'a content whose parts getter throws',
    () => [
      { role: 'user', parts: [{ text: 'q' }] },
      {
        role: 'model',
        get parts() {
          return boom();
        },
      },
    ],
    { contentIndex: 1 },
  ],
  [
    'a content whose role getter throws',
    () => [
      {
        get role() {
          return boom();
        },
        parts: [{ text: 'q' }],
      },
    ],
    { contentIndex: 0 },
  ],
  [
    'a part whose text getter throws',
    () => [
      {
        role: 'user',
        parts: [
          { text: 'a' },
          {
            get text() {
              return boom();
            },
          },
        ],
      },
    ],
    { contentIndex: 0, partIndex: 1 },
  ],
  [
    'a part whose functionCall getter throws',
    () => [
      { role: 'user', parts: [{ text: 'q' }] },
      {
        role: 'model',
        parts: [
          {
            get functionCall() {
              return boom();
            },
          },
        ],
      },
    ],
    { contentIndex: 1, partIndex: 0 },
  ],
  [
    'a content that is a Proxy whose every trap throws',
    () => [new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom })],
    { contentIndex: 0 },
  ],
];

describe('validateHistory on a history whose reading throws', () => {
  it.each(hostile)('reports %s as an issue at its place, without throwing', (_label, make, at) => {
    for (const options of [{}, { strict: true }, { requireThoughtSignatures: true }]) {
      const issues = validateHistory(make(), options);
      expect(issues).toEqual([expect.objectContaining(at)]);
      const [issue] = issues;
      expect(issue?.code).toBe(at.partIndex === undefined ? 'invalid-content' : 'invalid-part');
      expect(issue?.message).toMatch(/could not be read/);
      expect(issue?.message).toMatch(/plain data/);
      // The getter's own message may hold anything (here a connection string): not copied.
      expect(issue?.message).not.toContain('hunter2');
    }
  });

  it('reports a contents list that is a Proxy whose every trap throws', () => {
    const list = new Proxy([], { get: boom, has: boom, ownKeys: boom });
    const issues = validateHistory(list, { requireThoughtSignatures: true });
    expect(issues).toEqual([
      expect.objectContaining({ code: 'invalid-contents', contentIndex: -1 }),
    ]);
    expect(issues[0]?.message).toMatch(/could not be read/);
  });
});

describe('agent.run() on a history whose reading throws', () => {
  it.each(hostile)(
    'refuses %s with an InvalidHistoryError, before any request',
    async (_l, make, at) => {
      const fake = createFakeGemini({ script: [turn.text('never')] });
      const { url } = await fake.listen();
      const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
      for (const model of ['gemini-2.5-flash', 'gemini-3-flash-preview']) {
        const agent = createAgent({ gemini, model });
        const error = await agent.run(make() as never).catch((caught: unknown) => caught);
        await agent.close();
        expect(error).toMatchObject({ name: 'InvalidHistoryError', code: 'invalid-history' });
        expect((error as { issues: unknown[] }).issues).toEqual([expect.objectContaining(at)]);
        expect((error as Error).message).not.toContain('hunter2');
      }
      expect(fake.modelRequests).toHaveLength(0);
      await fake.close();
    },
  );
});
