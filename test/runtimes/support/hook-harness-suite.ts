import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type HookHarnessPages, startHookHarnessPages } from './hook-harness-pages.ts';

/** The hook harness pages of one `describe` block, and the state a page's hook shows. */
export type HookHarnessSuite<State> = Pick<HookHarnessPages, 'open'> & {
  /** What `harness.state()` returns in `page` (the messages, the status). */
  state(page: Page): Promise<State>;
};

/**
 * Starts the hook harness pages before the tests of the `describe` block it is called in and
 * closes them after: the lines each Chromium hook test file (react-hook*.test.ts) wrote again.
 * `State` is the shape the calling file reads of `harness.state()`.
 */
export function hookHarnessSuite<State>(): HookHarnessSuite<State> {
  let pages: HookHarnessPages | undefined;
  beforeAll(async () => {
    pages = await startHookHarnessPages();
  });
  afterAll(async () => {
    await pages?.close();
  });
  return {
    open(setup) {
      if (pages === undefined)
        throw new Error('The hook harness pages open in a test, not before.');
      return pages.open(setup);
    },
    state: (page) =>
      page.evaluate(() =>
        (globalThis as unknown as { harness: { state(): State } }).harness.state(),
      ) as Promise<State>,
  };
}
