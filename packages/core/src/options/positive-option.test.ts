import { describe, expect, it } from 'vitest';
import { thrownBy } from '../chat/__fixtures__/chat-fixtures.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { timerOption } from './positive-option.ts';

// Options that become a timer (the web helpers', the memory bank's poll): past setTimeout's limit (2^31 - 1 ms) Node fires
// the timer at once (TimeoutOverflowWarning, 1 ms), so a heartbeat pinged every millisecond and
// an approval deadline of 3e9 denied every call at once. Refused, naming the limit.

describe('timerOption', () => {
  it("takes up to setTimeout's limit, and refuses past it naming the option", () => {
    expect(timerOption(undefined, 15_000, 'heartbeatMs', true)).toBe(15_000);
    expect(timerOption(0, 15_000, 'heartbeatMs', true)).toBe(0);
    expect(timerOption(2 ** 31 - 1, 1, 'ttlMs')).toBe(2 ** 31 - 1);
    const thrown = thrownBy(() => timerOption(2 ** 31, 1, 'ttlMs'));
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe('ttlMs');
    expect((thrown as Error).message).toBe(
      "ttlMs must be at most 2147483647 ms (setTimeout's limit, about 24.8 days), not 2147483648.",
    );
  });
});
