import { describe, expect, it } from 'vitest';
import { validateHistory } from './validate-history.ts';

describe('validateHistory on wrong-typed text', () => {
  for (const text of [5, { value: 'x' }, ['a'], true]) {
    it(`names a text part of ${JSON.stringify(text)}, which the API rejects as not a string`, () => {
      const issues = validateHistory([{ role: 'user', parts: [{ text }] }] as never);
      expect(issues).toEqual([
        expect.objectContaining({ code: 'invalid-text', contentIndex: 0, partIndex: 0 }),
      ]);
      expect(issues[0]?.message).toMatch(/^contents\[0\]\.parts\[0\]\.text must be a string/);
    });
  }

  it('accepts an empty string and a null text (proto3 JSON reads null as unset)', () => {
    expect(validateHistory([{ role: 'user', parts: [{ text: '' }] }])).toEqual([]);
    expect(
      validateHistory([
        {
          role: 'user',
          parts: [{ text: null, inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
        },
      ] as never),
    ).toEqual([]);
  });
});
