import { describe, expect, it } from 'vitest';
import { defaultsMismatches } from '../options/__fixtures__/documented-defaults.ts';
import { SUBAGENT_DEFAULTS } from './subagent-options.ts';

describe('the defaults of subagent()', () => {
  it('are what the TSDoc of SubagentOptions states', () => {
    expect(
      defaultsMismatches(
        new URL('./subagent-options.ts', import.meta.url),
        'SubagentOptions',
        SUBAGENT_DEFAULTS,
      ),
    ).toEqual([]);
  });
});
