import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseRetryAfterMs } from './parse-retry-delay.ts';

const NOW = Date.UTC(2026, 10, 26, 1, 0, 0);
const now = () => NOW;

describe('parseDurationMs', () => {
  it("reads a protobuf Duration's JSON form as milliseconds", () => {
    expect(parseDurationMs('58s')).toBe(58_000);
    expect(parseDurationMs('34.4s')).toBe(34_400);
    expect(parseDurationMs('0.5s')).toBe(500);
    expect(parseDurationMs('0s')).toBe(0);
    expect(parseDurationMs(' 3s ')).toBe(3000);
    expect(parseDurationMs('1.000000001s')).toBe(1000);
    expect(parseDurationMs('2e1s')).toBe(20_000);
  });

  it('caps a huge delay at MAX_SAFE_INTEGER instead of Infinity (so it is refused, not lost in JSON)', () => {
    expect(parseDurationMs('1e308s')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseDurationMs(`${'9'.repeat(400)}s`)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('is undefined for a negative, NaN, Infinity, a unit other than s, or no string', () => {
    for (const value of [
      '-1s',
      'NaNs',
      'Infinitys',
      '5',
      '5ms',
      '5m',
      's',
      '.5s',
      '5.s',
      '0x10s',
      '1_000s',
      '',
      5,
      null,
      undefined,
      { seconds: 5 },
    ]) {
      expect(parseDurationMs(value), JSON.stringify(value)).toBeUndefined();
    }
  });

  it('reads a very long hostile string in linear time', () => {
    const hostile = `${'1'.repeat(100_000)}.${'1'.repeat(100_000)}x`;
    expect(parseDurationMs(hostile)).toBeUndefined();
  });
});

describe('parseRetryAfterMs', () => {
  it('reads delay seconds, with a fraction or an exponent', () => {
    expect(parseRetryAfterMs({ retryAfter: '30', now })).toBe(30_000);
    expect(parseRetryAfterMs({ retryAfter: '1.5', now })).toBe(1500);
    expect(parseRetryAfterMs({ retryAfter: ' 2 ', now })).toBe(2000);
    expect(parseRetryAfterMs({ retryAfter: '1e308', now })).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('prefers a usable retry-after-ms, and falls back to Retry-After when it is not', () => {
    expect(parseRetryAfterMs({ retryAfter: '30', retryAfterMs: '250', now })).toBe(250);
    expect(parseRetryAfterMs({ retryAfter: '30', retryAfterMs: 'soon', now })).toBe(30_000);
    expect(parseRetryAfterMs({ retryAfter: '30', retryAfterMs: '-5', now })).toBe(30_000);
    expect(parseRetryAfterMs({ retryAfterMs: '0', now })).toBe(0);
  });

  it('reads an HTTP date as the time from now, and a past date as 0', () => {
    const inTwoMinutes = new Date(NOW + 120_000).toUTCString();
    expect(parseRetryAfterMs({ retryAfter: inTwoMinutes, now })).toBe(120_000);
    expect(parseRetryAfterMs({ retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT', now })).toBe(0);
  });

  it('is undefined for a missing, empty, negative or unreadable header', () => {
    for (const retryAfter of [undefined, null, '', '   ', '-1', 'soon', '1', 'NaN', '1,5']) {
      const parsed = parseRetryAfterMs({ retryAfter, now });
      if (retryAfter === '1') expect(parsed).toBe(1000);
      else expect(parsed, JSON.stringify(retryAfter)).toBeUndefined();
    }
  });
});
