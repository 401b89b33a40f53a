import { describe, expect, it, vi } from 'vitest';
import type { TestModule } from 'vitest/node';
import SummaryReporter from '../scripts/summary-reporter.ts';

type State = 'passed' | 'failed' | 'skipped' | 'pending';

/** The parts of a Vitest TestModule the reporter reads. */
function moduleOf(state: State, tests: readonly State[]): TestModule {
  return {
    state: () => state,
    children: { allTests: () => tests.map((test) => ({ result: () => ({ state: test }) })) },
  } as unknown as TestModule;
}

function lastLine(modules: TestModule[], errors: unknown[] = []): string {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    new SummaryReporter().onTestRunEnd(modules, errors);
    return String(write.mock.calls.at(-1)?.[0]).trim();
  } finally {
    write.mockRestore();
  }
}

describe('the summary reporter', () => {
  it('counts passed and failed tests', () => {
    expect(lastLine([moduleOf('failed', ['passed', 'failed', 'passed'])])).toBe(
      '2 passed, 1 failed',
    );
  });

  it('counts a file whose beforeAll failed (its tests skipped) as a failure', () => {
    const line = lastLine([
      moduleOf('passed', ['passed', 'passed']),
      moduleOf('failed', ['skipped', 'skipped', 'passed']),
    ]);
    expect(line).toBe('3 passed, 1 failed');
  });

  it('counts a file that failed to import, and unhandled errors', () => {
    expect(lastLine([moduleOf('failed', [])], [new Error('late')])).toBe('0 passed, 2 failed');
  });

  it('counts a failed file once for its failed tests, not again for the file', () => {
    expect(lastLine([moduleOf('failed', ['failed', 'failed'])])).toBe('0 passed, 2 failed');
  });
});
