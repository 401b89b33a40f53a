import { describe, expect, it } from 'vitest';
import { thrownBy } from '../chat/__fixtures__/chat-fixtures.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createVertexMemoryBankStore } from './create-vertex-memory-bank-store.ts';

// The store polls each long-running operation `maxPolls` times, `pollIntervalMs` apart. Unchecked,
// an interval past setTimeout's limit, negative or NaN polled every millisecond (Node fires those
// timers at once), and a count of NaN never stopped polling (`poll >= NaN` is never true).

const store = (options: { pollIntervalMs?: number; maxPolls?: number }) =>
  createVertexMemoryBankStore({
    project: 'p1',
    location: 'us-central1',
    reasoningEngine: '77',
    getAccessToken: () => 'token',
    ...options,
  });

describe("createVertexMemoryBankStore's poll options", () => {
  it('takes the defaults, zero and whole counts', () => {
    expect(() => store({})).not.toThrow();
    expect(() => store({ pollIntervalMs: 0, maxPolls: 1 })).not.toThrow();
    expect(() => store({ pollIntervalMs: 2 ** 31 - 1, maxPolls: 10_000 })).not.toThrow();
  });

  it.each([
    [
      'pollIntervalMs',
      3e9,
      "pollIntervalMs must be at most 2147483647 ms (setTimeout's limit, about 24.8 days), not 3000000000.",
    ],
    ['pollIntervalMs', -1, 'pollIntervalMs must be a non-negative number, not -1.'],
    ['pollIntervalMs', Number.NaN, 'pollIntervalMs must be a non-negative number, not NaN.'],
    ['maxPolls', Number.NaN, 'maxPolls must be a positive number, not NaN.'],
    ['maxPolls', 0, 'maxPolls must be a positive number, not 0.'],
    ['maxPolls', 2.5, 'maxPolls must be a whole number of polls (default 120), not 2.5.'],
    ['maxPolls', Number.POSITIVE_INFINITY, 'maxPolls must be a positive number, not Infinity.'],
  ] as const)('refuses %s %s, naming it', (name, value, message) => {
    const thrown = thrownBy(() => store({ [name]: value }));
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe(name);
    expect((thrown as Error).message).toBe(message);
  });
});
