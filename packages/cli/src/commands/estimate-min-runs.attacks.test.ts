// `gemloop estimate --min-runs` given what is no count of runs (attack44d). Before, Number() read
// it: `--min-runs=` and `' '` were 0 (one recorded run then made the "band"), `0x10` was 16 and
// `1e1` 10, where every other numeric flag of the CLI takes decimal digits only.

import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEstimateCommand } from './estimate.ts';

describe('gemloop estimate --min-runs', () => {
  it.each(['', ' ', '0x10', '1e1', '-0', '+5', '2.0', 'NaN', 'Infinity', '1e400', '\u001b[2J5'])(
    'refuses %j before loading the agent, the value escaped',
    async (value) => {
      const io = captureIo();
      const code = await createEstimateCommand('/nonexistent-folder').run(
        ['agent.ts', 'Hi', `--min-runs=${value}`],
        io,
      );
      expect(code).toBe(2);
      expect(io.err()).toMatch(
        /^gemloop estimate: --min-runs must be a whole number >= 0 in decimal digits \(default 20\); got ".*"\./,
      );
      expect(io.err()).not.toContain('importing it failed');
      expect(io.err()).not.toContain('\u001b');
    },
  );
});
