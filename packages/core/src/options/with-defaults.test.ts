import { describe, expect, it } from 'vitest';
import { withDefaults } from './define-options.ts';

describe('withDefaults', () => {
  const DEFAULTS = { maxSteps: 10, order: 'as-ready' as 'as-ready' | 'replayable' };

  it('lays the given values over the defaults', () => {
    expect(withDefaults(DEFAULTS, { maxSteps: 3, order: 'replayable' })).toEqual({
      maxSteps: 3,
      order: 'replayable',
    });
  });

  it('takes a key given as undefined, or left out, as its default', () => {
    expect(withDefaults(DEFAULTS, { maxSteps: undefined })).toEqual(DEFAULTS);
    expect(withDefaults(DEFAULTS, undefined)).toEqual(DEFAULTS);
  });

  it('keeps falsy values that are not undefined (0, false, null, empty string)', () => {
    const defaults = { count: 2, on: true, name: 'x' as string | null };
    expect(withDefaults(defaults, { count: 0, on: false, name: null })).toEqual({
      count: 0,
      on: false,
      name: null,
    });
    expect(withDefaults(defaults, { name: '' }).name).toBe('');
  });

  it('reads only the keys that have a default, and never writes to the defaults', () => {
    const given = { maxSteps: 4, other: 'ignored' } as { maxSteps: number };
    const values = withDefaults(DEFAULTS, given);
    expect(values).toEqual({ maxSteps: 4, order: 'as-ready' });
    expect(DEFAULTS).toEqual({ maxSteps: 10, order: 'as-ready' });
  });
});
