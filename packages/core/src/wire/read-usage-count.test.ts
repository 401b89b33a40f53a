import { describe, expect, it } from 'vitest';
import { parseGenerateContentResponse } from './parse-generate-content-response.ts';
import { readUsageCount } from './read-usage-count.ts';

describe('readUsageCount', () => {
  it.each([
    [0, 0],
    [1234, 1234],
    [2 ** 31 - 1, 2 ** 31 - 1],
    ['1234', 1234],
    ['0', 0],
  ])('reads %j as %j', (value, expected) => {
    expect(readUsageCount(value)).toBe(expected);
  });

  it.each([
    ['a negative count', -5],
    ['a negative string', '-5'],
    ['a non-numeric string', 'many'],
    ['an empty string', ''],
    ['a string with spaces', ' 12 '],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a huge count, beyond int32', 2 ** 31],
    ['a huge string', '99999999999999999999'],
    ['a fraction', 12.5],
    ['a boolean', true],
    ['an object', { value: 1 }],
    ['null', null],
  ])('gives undefined for %s', (_, value) => {
    expect(readUsageCount(value)).toBeUndefined();
  });
});

describe('parseGenerateContentResponse usage counts', () => {
  it('reads the counts in place: good ones kept, digit strings read, bad ones removed', () => {
    // 1e400 is what JSON.parse turns into Infinity: a hostile body can send it.
    const body = JSON.parse(
      '{"usageMetadata":{"promptTokenCount":-7,"candidatesTokenCount":"12","thoughtsTokenCount":1e400,' +
        '"toolUsePromptTokenCount":3.5,"cachedContentTokenCount":99999999999,"totalTokenCount":20,' +
        '"serviceTier":"standard","trafficType":"ON_DEMAND"}}',
    );
    const result = parseGenerateContentResponse(body);
    expect(result.ok).toBe(true);
    expect(result.ok && result.value.usageMetadata).toEqual({
      candidatesTokenCount: 12,
      totalTokenCount: 20,
      serviceTier: 'standard',
      trafficType: 'ON_DEMAND',
    });
  });
});
