import { describe, expect, it } from 'vitest';
import { toErrorType } from './to-error-type.ts';

describe('toErrorType', () => {
  it('never turns caller text into a type: a thrown string (an abort reason) is _OTHER', () => {
    expect(toErrorType('tab closed')).toBe('_OTHER');
    expect(toErrorType('')).toBe('_OTHER');
    expect(toErrorType(new TypeError('x'))).toBe('TypeError');
    expect(toErrorType(new Error('x'))).toBe('_OTHER');
  });
});
