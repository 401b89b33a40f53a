import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain last line, `N passed, N failed`, counted from Vitest's own results, so a run
 * that tested nothing (or silently skipped a project) shows as `0 passed` instead of a green exit.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
  ): void {
    let passed = 0;
    let failed = 0;
    for (const testModule of testModules) {
      let moduleFailed = 0;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') moduleFailed++;
      }
      // A file that fails with no failed test of its own (it failed to import, or a `beforeAll`
      // threw and its tests were skipped) is a failure all the same: a fresh clone's run printed
      // "11175 passed, 0 failed" over a suite whose `beforeAll` could not start Postgres.
      if (moduleFailed === 0 && testModule.state() === 'failed') moduleFailed = 1;
      failed += moduleFailed;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }
}
