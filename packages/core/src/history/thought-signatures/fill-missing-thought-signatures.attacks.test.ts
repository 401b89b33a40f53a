import { fillMissingThoughtSignatures, stripThoughtSignatures } from '@gemloop/core/history';
import { describe, expect, it } from 'vitest';

// leftovers72 (attack59's leftover): fillMissingThoughtSignatures gave a non-array back unchanged
// (a saved turn `{ contents }` or a message string then went out as the "history"), while
// stripThoughtSignatures threw InvalidArgumentError for the same input. Both refuse it alike now.

const turn = { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], model: 'gpt-4o' };
const wrong: [string, unknown, string][] = [
  ['a message string', 'Weather in Paris?', '"Weather in Paris?"'],
  ['a saved turn holding the contents', turn, 'an object'],
  ['null', null, 'null'],
  ['undefined', undefined, 'undefined'],
  ['a number', 3, '3'],
];

describe('fillMissingThoughtSignatures and stripThoughtSignatures on contents that are no array', () => {
  it.each(wrong)('both refuse %s with the same InvalidArgumentError', (_label, value, got) => {
    for (const [name, helper] of [
      ['fillMissingThoughtSignatures', fillMissingThoughtSignatures],
      ['stripThoughtSignatures', stripThoughtSignatures],
    ] as const) {
      let caught: unknown;
      try {
        helper(value as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ name: 'InvalidArgumentError', argument: 'contents' });
      const { message } = caught as Error;
      expect(message).toContain(`${name} takes an array of contents`);
      expect(message).toContain(`got ${got}`);
      expect(message).toMatch(/Pass the contents list itself/);
    }
  });

  it('still fills an array, so the check refuses only what is no history', () => {
    const history = [
      { role: 'user' as const, parts: [{ text: 'Weather?' }] },
      { role: 'model' as const, parts: [{ functionCall: { name: 'get_weather', args: {} } }] },
    ];
    const filled = fillMissingThoughtSignatures(history);
    expect(filled[1]?.parts[0]).toMatchObject({ thoughtSignature: expect.any(String) });
  });
});
