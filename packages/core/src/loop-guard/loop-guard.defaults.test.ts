import { describe, expect, it } from 'vitest';
import { defaultsMismatches } from '../options/__fixtures__/documented-defaults.ts';
import { LOOP_GUARD_DEFAULTS } from './loop-guard.ts';

describe('the defaults of loopGuard()', () => {
  it('are what the TSDoc of LoopGuardOptions states', () => {
    expect(
      defaultsMismatches(
        new URL('./loop-guard.ts', import.meta.url),
        'LoopGuardOptions',
        LOOP_GUARD_DEFAULTS,
      ),
    ).toEqual([]);
  });
});
