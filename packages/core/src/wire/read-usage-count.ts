import type { UsageMetadata } from './response.ts';

// Token counts are `int32` in the API's proto (`GenerateContentResponse.UsageMetadata`,
// googleapis/googleapis google/ai/generativelanguage/v1beta/generative_service.proto), so a real
// count is a whole number from 0 to 2^31 - 1; anything else came from a broken gateway or a
// hostile server.
const MAX_INT32 = 2 ** 31 - 1;
const DIGITS = /^\d{1,10}$/;

/** The count fields of `usageMetadata` that gemloop adds up. */
const COUNT_FIELDS = [
  'promptTokenCount',
  'candidatesTokenCount',
  'thoughtsTokenCount',
  'toolUsePromptTokenCount',
  'cachedContentTokenCount',
  'totalTokenCount',
] as const satisfies readonly (keyof UsageMetadata)[];

/**
 * A token count from the wire as a non-negative integer, or `undefined` when it is not one:
 * a number that is whole and within int32 is kept, a string of digits (how proto3 JSON writes
 * 64-bit integers, and what some gateways send for every count) is read as its number; negative,
 * fractional, `NaN`, infinite, out-of-range and non-numeric values give `undefined`, so a stop
 * condition, a cost or a span never sees them.
 *
 * @example
 * readUsageCount(12) // 12
 * readUsageCount('12') // 12
 * readUsageCount(-1) // undefined
 */
export function readUsageCount(value: unknown): number | undefined {
  const number = typeof value === 'string' && DIGITS.test(value) ? Number(value) : value;
  return typeof number === 'number' &&
    Number.isInteger(number) &&
    number >= 0 &&
    number <= MAX_INT32
    ? number
    : undefined;
}

/**
 * Reads the counts of a response's `usageMetadata` in place with {@link readUsageCount}: a bad
 * count is removed (absent, as the API leaves a zero count), a digit string becomes its number.
 * Other fields (`serviceTier`, per-modality details, unknown ones) are left as they came.
 * @internal
 */
export function readUsageMetadataCounts(metadata: Record<string, unknown>): void {
  for (const field of COUNT_FIELDS) {
    const value = metadata[field];
    if (value === undefined || (typeof value === 'number' && readUsageCount(value) === value)) {
      continue;
    }
    const count = readUsageCount(value);
    if (count === undefined) delete metadata[field];
    else metadata[field] = count;
  }
}
