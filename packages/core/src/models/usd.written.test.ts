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
      // A step's amounts are numbers below 2^53 (see `Picos`): the same digits from the number.
      if (picos <= BigInt(Number.MAX_SAFE_INTEGER) && picosToDollars(Number(picos)) !== written)
        expect({ picos, written: picosToDollars(Number(picos)) }).toEqual({ picos, written });
    }
  });

  it('writes the trailing zeros of every place and none past the last digit', () => {
    // Each count of trailing zeros (0 to 11) in each of the three divisions, under and over a dollar.
    for (let zeros = 0; zeros < 12; zeros++) {
      for (const digit of [1, 7]) {
        const picos = digit * 10 ** zeros;
        expect(picosToDollars(picos)).toBe(reference(BigInt(picos)));
        expect(picosToDollars(3_000_000_000_000 + picos)).toBe(
          reference(3_000_000_000_000n + BigInt(picos)),
        );
        expect(picosToDollars(picos * 11 + 1)).toBe(reference(BigInt(picos * 11 + 1)));
      }
    }
    expect(picosToDollars(Number.MAX_SAFE_INTEGER)).toBe('9007.199254740991');
    expect(picosToDollars(0)).toBe('0');
  });
});
