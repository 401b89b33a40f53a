import { describe, expect, it } from 'vitest';
import { checkInputFormat } from './check-input-format.ts';

describe('checkInputFormat', () => {
  it.each([
    'dd/MM/yyyy',
    'd/M/yyyy',
    'yyyyMMdd',
    'yyyyMMddHHmmss',
    'MMMM d, yyyy h:mm a',
    'H:mm',
    'ha',
    "d 'de' MMMM 'de' yyyy",
    'EEE, dd MMM yyyy HH:mm:ss ZZZ',
  ])('accepts %s', (format) => {
    expect(checkInputFormat(format)).toBeUndefined();
  });

  it('refuses variable-width numbers back to back, the exponential case', () => {
    expect(checkInputFormat('HmHmHmHm')).toBe(
      'inputFormat "HmHmHmHm" puts the variable-width number "H" right before the number "m", which is ambiguous. Separate them ("H:m") or use fixed widths ("HHm").',
    );
    expect(checkInputFormat('dM')).toBeDefined();
    expect(checkInputFormat('yMd')).toBeDefined();
    expect(checkInputFormat('Hmm')).toContain('("HHmm")');
  });

  it('refuses too many tokens', () => {
    expect(checkInputFormat('d/'.repeat(21))).toBe(
      'inputFormat has 21 tokens; at most 20 are allowed.',
    );
  });
});
