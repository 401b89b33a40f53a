// `gemloop replay --diff` and `gemloop diff` print a diff of two runs to the terminal; one side
// is a recorded run file, which may have been hand-edited (README, "Threat model"). Its tool
// names, arguments and answer reach the terminal only as one line each, controls escaped.

import { describe, expect, it } from 'vitest';
import { diffRuns } from './diff-runs.ts';
import { formatRunDiff } from './format-run-diff.ts';
import type { RunTrajectory, RunTrajectoryCall } from './run-trajectory.ts';

// An OSC 52 clipboard write, a colour, a cursor-up-and-clear that would hide the line above, a
// C1 CSI (0x9b, which some terminals read as ESC [) and a line separator.
const HOSTILE = 'get\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[31m\u001b[1A\u001b[2K\u009b2J\u2028PASS';

function run(calls: RunTrajectoryCall[], text: string): RunTrajectory {
  return {
    toolCalls: calls,
    text,
    steps: 1,
    tokens: { input: 0, output: 0, thinking: 0, total: 0 },
    costUsd: '0',
  };
}

describe('formatRunDiff attacked by a hand-edited run file', () => {
  it('a tool name with escape sequences, moved or with drifted arguments, prints without a control character', () => {
    const original = run(
      [
        { step: 1, name: HOSTILE, args: { city: 'Oslo' } },
        { step: 1, name: `other${HOSTILE}`, args: {} },
      ],
      `answer ${HOSTILE}`,
    );
    const fork = run(
      [
        { step: 1, name: `other${HOSTILE}`, args: {} },
        { step: 1, name: HOSTILE, args: { city: `Paris${HOSTILE}` } },
      ],
      'another answer',
    );
    const printed = formatRunDiff(diffRuns(original, fork));
    expect(printed).toContain('PASS');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    expect(printed).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
  });
});
