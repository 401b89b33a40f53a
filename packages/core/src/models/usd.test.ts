import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { dollarsToPicos, picosPerToken, picosToDollars } from './usd.ts';

describe('picosPerToken', () => {
  it('turns dollars per million tokens into exact pico-dollars per token', () => {
    // $0.30 per 1M tokens is 0.3 micro-dollars, 300,000 pico-dollars, a token.
    expect(picosPerToken('0.30', 'price.input')).toBe(300_000n);
    expect(picosPerToken(0.3, 'price.input')).toBe(300_000n);
    expect(picosPerToken('2.5', 'price.output')).toBe(2_500_000n);
    expect(picosPerToken(0, 'price.output')).toBe(0n);
    expect(picosPerToken('0.000001', 'price.output')).toBe(1n);
    expect(picosPerToken('1000', 'price.output')).toBe(1_000_000_000n);
  });

  it('refuses a negative, a seventh decimal, an exponent and what is not a decimal, naming the option', () => {
    for (const bad of [
      -1,
      '-0.5',
      '0.0000001',
      1e-7,
      '1e3',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '',
      ' 1',
      '1.',
      '.5',
      null,
      {},
    ]) {
      let thrown: unknown;
      try {
        picosPerToken(bad as never, 'prices.gemini-x.input');
      } catch (error) {
        thrown = error;
      }
      expect(InvalidArgumentError.isInstance(thrown), String(bad)).toBe(true);
      expect((thrown as InvalidArgumentError).argument).toBe('prices.gemini-x.input');
      expect((thrown as Error).message).toContain('with at most 6 decimals');
    }
  });
});

describe('dollarsToPicos', () => {
  it('reads decimal strings exactly, up to 12 decimals', () => {
    expect(dollarsToPicos('0.000000000001')).toBe(1n);
    expect(dollarsToPicos('0.000125')).toBe(125_000_000n);
    expect(dollarsToPicos('12345678901234567890.5')).toBe(12345678901234567890_500000000000n);
    expect(dollarsToPicos('0.0000000000001')).toBeUndefined();
  });

  it('reads a number to the picodollar, rounding what a double cannot hold exactly', () => {
    expect(dollarsToPicos(0.5)).toBe(500_000_000_000n);
    // A computed amount with more decimals than a picodollar is rounded to the picodollar.
    expect(dollarsToPicos(0.1 + 0.2)).toBe(300_000_000_000n);
    expect(dollarsToPicos(1 / 3)).toBe(333_333_333_333n);
    expect(dollarsToPicos(1e-7)).toBe(100_000n);
  });

  it('reads large whole numbers exactly', () => {
    expect(dollarsToPicos(Number.MAX_SAFE_INTEGER)).toBe(
      BigInt(Number.MAX_SAFE_INTEGER) * 10n ** 12n,
    );
    expect(dollarsToPicos(1e20)).toBe(10n ** 20n * 10n ** 12n);
  });

  it('is undefined for a negative, NaN, Infinity and malformed strings', () => {
    for (const bad of [
      -0.01,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '-1',
      '1e3',
      '',
      'abc',
      '1,5',
      '١٢',
    ]) {
      expect(dollarsToPicos(bad), String(bad)).toBeUndefined();
    }
  });

  it('reads a hostile megabyte string quickly and refuses it', () => {
    const started = performance.now();
    expect(dollarsToPicos(`${'9'.repeat(1_000_000)}x`)).toBeUndefined();
    // Hang guard only.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('picosToDollars', () => {
  it('writes the shortest exact decimal, without trailing zeros', () => {
    expect(picosToDollars(0n)).toBe('0');
    expect(picosToDollars(1n)).toBe('0.000000000001');
    expect(picosToDollars(1_500_000_000_000n)).toBe('1.5');
    expect(picosToDollars(2_000_000_000_000n)).toBe('2');
    expect(picosToDollars(125_000_000n)).toBe('0.000125');
  });

  it('writes amounts past 2^53 pico-dollars exactly, by the bigint path', () => {
    const big = 10n ** 30n + 1n;
    expect(picosToDollars(big)).toBe('1000000000000000000.000000000001');
    const edge = BigInt(Number.MAX_SAFE_INTEGER);
    expect(picosToDollars(edge)).toBe('9007.199254740991');
    expect(picosToDollars(edge + 1n)).toBe('9007.199254740992');
  });

  it('round-trips with dollarsToPicos for every written amount', () => {
    for (const picos of [
      0n,
      1n,
      999n,
      10n ** 12n,
      10n ** 12n - 1n,
      123_456_789_012_345n,
      10n ** 25n + 7n,
    ]) {
      expect(dollarsToPicos(picosToDollars(picos))).toBe(picos);
    }
  });
});
