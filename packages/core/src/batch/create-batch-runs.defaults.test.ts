import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_STEPS } from '../agent/config/options/steps.ts';
import { defaultsMismatches } from '../options/__fixtures__/documented-defaults.ts';
import { BATCH_RUNS_DEFAULTS } from './create-batch-runs.ts';

describe('the defaults of createBatchRuns', () => {
  it('are what the TSDoc of BatchRunsOptions states', () => {
    expect(
      defaultsMismatches(
        new URL('./batch-runs.ts', import.meta.url),
        'BatchRunsOptions',
        BATCH_RUNS_DEFAULTS,
      ),
    ).toEqual([]);
  });

  it("take the agent's maxSteps", () => {
    expect(BATCH_RUNS_DEFAULTS.maxSteps).toBe(DEFAULT_MAX_STEPS);
  });
});
