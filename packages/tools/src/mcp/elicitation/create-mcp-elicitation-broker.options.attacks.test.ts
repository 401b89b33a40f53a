import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { createMcpElicitationBroker } from './create-mcp-elicitation-broker.ts';

// Outside attacks on the broker's options (attack13): `null` was a TypeError naming nothing, and a
// misspelt bound (`maxPendings`, `timeout`) was ignored without a word, the default holding.

describe('createMcpElicitationBroker: options from outside', () => {
  it.each([null, 5, 'timeoutMs', []])(
    'refuses %j as its options with an InvalidArgumentError',
    (value) => {
      expect(() => createMcpElicitationBroker(value as never)).toThrow(InvalidArgumentError);
      expect(() => createMcpElicitationBroker(value as never)).toThrow(
        /createMcpElicitationBroker/,
      );
    },
  );

  it.each([
    [{ timeout: 1000 }, /timeoutMs/],
    [{ maxPendings: 3 }, /maxPending\b/],
  ])('refuses the misspelt %j and names the option meant', (options, meant) => {
    expect(() => createMcpElicitationBroker(options as never)).toThrow(InvalidArgumentError);
    expect(() => createMcpElicitationBroker(options as never)).toThrow(meant);
  });

  it("refuses a timeoutMs past setTimeout's limit, which would cancel every question at once", () => {
    expect(() => createMcpElicitationBroker({ timeoutMs: 3e9 })).toThrow(
      /timeoutMs must be at most 2147483647 ms/,
    );
    expect(() => createMcpElicitationBroker({ timeoutMs: 2 ** 31 - 1 })).not.toThrow();
  });

  it('takes good options', () => {
    expect(() => createMcpElicitationBroker({ timeoutMs: 1000, maxPending: 3 })).not.toThrow();
  });
});
