import { createSecretRedactor } from '@gemloop/core/internal';
import { describe, expect, it } from 'vitest';
import { boundStructuredContent, STRUCTURED_CONTENT_CUT_KEY } from './bound-structured-content.ts';

// Attack (leftovers47): what a failed tool's `structuredContent` can hide from a redaction of its
// JSON text, and what it can do to the code that writes it.

const QUOTED = 'tok"quoted\\0123456789abcdef';
const redact = createSecretRedactor(['tok-leftovers47-0123456789abcdef', QUOTED]);

describe('boundStructuredContent', () => {
  it('keeps an object with nothing to hide as it came, the same object', () => {
    const content = JSON.parse('{"__proto__":{"isAdmin":true},"total":3}') as Record<
      string,
      unknown
    >;
    const { value, json } = boundStructuredContent(content, redact, 16_384);
    expect(value).toBe(content);
    expect(json).toBe('{"__proto__":{"isAdmin":true},"total":3}');
  });

  it('redacts a secret that JSON would escape (a quote, a backslash), in values and keys', () => {
    const content = JSON.parse(
      JSON.stringify({
        detail: `refused ${QUOTED}`,
        nested: [{ [`key tok-leftovers47-0123456789abcdef`]: 1 }],
      }),
    ) as Record<string, unknown>;
    const { value, json } = boundStructuredContent(content, redact, 16_384);
    expect(value).toEqual({ detail: 'refused [redacted]', nested: [{ 'key [redacted]': 1 }] });
    expect(json.includes('quoted')).toBe(false);
    expect(json.includes('0123456789abcdef')).toBe(false);
    // The tool's own object is not changed: it is not the error's to rewrite.
    expect(content['detail']).toBe(`refused ${QUOTED}`);
  });

  it('keeps a `__proto__` key of a redacted copy as an own data key, not a prototype', () => {
    const content = JSON.parse(
      '{"__proto__":{"isAdmin":true},"tok-leftovers47-0123456789abcdef":{"__proto__":1}}',
    ) as Record<string, unknown>;
    const { value } = boundStructuredContent(content, redact, 16_384);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', '[redacted]']);
    expect(Object.hasOwn(value['[redacted]'] as object, '__proto__')).toBe(true);
    expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });

  it('says what a structure nested past what JSON.stringify writes was, without throwing', () => {
    let deep: Record<string, unknown> = { end: true };
    for (let depth = 0; depth < 100_000; depth++) deep = { a: deep };
    const { value, json } = boundStructuredContent(deep, redact, 16_384);
    expect(Object.keys(value)).toEqual([STRUCTURED_CONTENT_CUT_KEY]);
    expect(json).toMatch(/^The structuredContent could not be written as JSON: /);
    expect(json.length).toBeLessThan(700);
  });
});
