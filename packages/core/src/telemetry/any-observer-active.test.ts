import { describe, expect, it } from 'vitest';
import { anyObserverActive } from './any-observer-active.ts';

describe('anyObserverActive', () => {
  it('is true for an observer that does not say, false when every one is idle or cannot tell', () => {
    expect(anyObserverActive([])).toBe(false);
    expect(anyObserverActive([{ startRun: () => undefined }])).toBe(true);
    const idle = { active: () => false, startRun: () => undefined };
    const broken = {
      active: () => {
        throw new Error('no provider');
      },
      startRun: () => undefined,
    };
    expect(anyObserverActive([idle, broken])).toBe(false);
    expect(
      anyObserverActive([idle, broken, { active: () => true, startRun: () => undefined }]),
    ).toBe(true);
  });
});
