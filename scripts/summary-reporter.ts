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
      let moduleTests = 0;
      for (const test of testModule.children.allTests()) {
        moduleTests++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
      }
      // A file that fails to import has no tests but is a failure all the same.
      if (moduleTests === 0 && testModule.state() === 'failed') failed++;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }
}
