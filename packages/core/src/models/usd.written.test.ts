import { describe, expect, it } from 'vitest';
import { dollarsToPicos, picosToDollars } from './usd.ts';

/** The dollars of `picos` written the slow, obvious way: bigint division and a padded fraction. */
function reference(picos: bigint): string {
  const whole = picos / 1_000_000_000_000n;
  const fraction = (picos % 1_000_000_000_000n).toString().padStart(12, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** A seeded generator, so a failure names a value that fails again. */
function* amounts(count: number): Generator<bigint> {
  let seed = 0x2545f491n;
  for (let index = 0; index < count; index++) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
    // Every magnitude from 1 pico-dollar to past 2^53 (the double path's end), with runs of
    // trailing zeros (prices are whole pico-dollars per token, totals often round).
    const digits = 1n + (seed % 19n);
    const value = (seed >> 8n) % 10n ** digits;
    yield value * 10n ** ((seed >> 3n) % 9n);
  }
}

describe('picosToDollars', () => {
  it("writes the digits around the double path's cuts: leading zeros, trailing zeros, a whole dollar", () => {
    // usd.test.ts holds the shortest-decimal rule, 2^53 and the round trip; these are the cases
    // the leading-zeros constant and the trailing cut each take apart.
    expect(picosToDollars(10n)).toBe('0.00000000001');
    expect(picosToDollars(123_456_000n)).toBe('0.000123456');
    expect(picosToDollars(999_999_999_999n)).toBe('0.999999999999');
    expect(picosToDollars(100_000_000_000n)).toBe('0.1');
    expect(picosToDollars(1_000_000_000_001n)).toBe('1.000000000001');
    expect(picosToDollars(12_500_000_000_000n)).toBe('12.5');
  });

  it('writes every amount as bigint arithmetic does, and reads back to it', () => {
    for (const picos of amounts(20_000)) {
      const written = picosToDollars(picos);
      if (written !== reference(picos))
        expect({ picos, written }).toEqual({ picos, written: reference(picos) });
      if (dollarsToPicos(written) !== picos)
        expect({ picos, back: dollarsToPicos(written) }).toEqual({ picos, back: picos });
    }
  });
});
