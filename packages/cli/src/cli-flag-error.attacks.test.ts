import { describe, expect, it } from 'vitest';
import { captureIo } from './__fixtures__/capture-io.ts';
import { main } from './cli.ts';
import { CliFlagError } from './cli-flag-error.ts';
import { evalFromRuns } from './commands/eval/eval-from-runs.ts';
import { parseFakeFlags } from './fake/parse-fake-flags.ts';
import { parseFaultFlag } from './fake/parse-fault-flag.ts';

// leftovers83 (attack67b's note): `CliFlagError.value` says "control characters escaped and cut to
// 100 characters", but `eval from-runs --since` (and `--limit`, the suite's and canary's counts)
// stored the raw text: a program reading `error.value` got the ESC and the rest of 10,000
// characters. And messages JSON-quoted a value already escaped, so each escape printed with its
// backslash doubled: `--fault "x\\u001b[2J"`, which reads as a backslash in what was typed.

const ESC = '\x1b[2J';

function thrownBy(action: () => unknown): CliFlagError {
  try {
    action();
  } catch (error) {
    if (CliFlagError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

async function rejectedBy(action: () => Promise<unknown>): Promise<CliFlagError> {
  try {
    await action();
  } catch (error) {
    if (CliFlagError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('CliFlagError.value is escaped and cut, whoever makes it', () => {
  it('eval from-runs --since: the value holds no raw control and at most 100 characters', async () => {
    const given = `2026${ESC}${'9'.repeat(5000)}`;
    const error = await rejectedBy(() =>
      evalFromRuns(
        ['--database-url', 'postgres://u@127.0.0.1:1/db', '--out', 'o.jsonl', '--since', given],
        captureIo(),
        process.cwd(),
        {},
      ),
    );
    expect(error.flag).toBe('--since');
    expect(error.value).not.toContain('\x1b');
    expect(error.value.startsWith('2026\\u001b[2J999')).toBe(true);
    expect(error.value.length).toBeLessThanOrEqual(103);
  });

  it('made directly: escaped once, cut without splitting an escape', () => {
    const error = new CliFlagError({
      flag: '--x',
      value: `${'a'.repeat(97)}\x1bzzz`,
      accepted: [],
      message: 'x',
    });
    expect(error.value).toBe(`${'a'.repeat(97)}...`);
    const escapedBefore = new CliFlagError({
      flag: '--x',
      value: 'demo\\u001b[2J',
      accepted: [],
      message: 'x',
    });
    expect(escapedBefore.value).toBe('demo\\u001b[2J');
  });
});

describe('a refused value is printed escaped once', () => {
  it('fake --fault: `"x\\u001b[2J"`, not `"x\\\\u001b[2J"`', () => {
    const error = thrownBy(() => parseFaultFlag(`x${ESC}`));
    expect(error.message).toContain('--fault "x\\u001b[2J": unknown fault type "x\\u001b[2J"');
    expect(error.message).not.toContain('\\\\');
    expect(error.value).toBe('x\\u001b[2J');
  });

  it('fake --script: the value quoted once', () => {
    const error = thrownBy(() => parseFakeFlags({ script: `demo${ESC}` }, []));
    expect(error.message).toMatch(/^--script "demo\\u001b\[2J" is not accepted/);
  });

  it('a Windows path keeps its single backslashes', () => {
    const error = thrownBy(() => parseFakeFlags({ script: 'C:\\fakes\\my.txt' }, []));
    expect(error.message).toMatch(/^--script "C:\\fakes\\my\.txt" is not accepted/);
  });

  it('estimate --min-runs and probe --api: the value quoted once', async () => {
    const estimate = captureIo();
    expect(await main(['estimate', 'agent.ts', 'hi', '--min-runs', `x${ESC}`], estimate)).toBe(2);
    expect(estimate.err()).toContain('got "x\\u001b[2J".');
    const probe = captureIo();
    expect(await main(['probe', '--api', `x${ESC}`], probe)).toBe(2);
    expect(probe.err()).toContain('got "x\\u001b[2J".');
    for (const io of [estimate, probe]) {
      expect(io.err()).not.toContain('\\\\u001b');
      expect(io.err()).not.toContain('\x1b');
    }
  });
});
