import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HookHarnessPages, startHookHarnessPages } from './support/hook-harness-pages.ts';

// attack58b: useAgentChat's `send(text, { files })` reads the files before it sends (FileReader,
// a task per 768 KiB slice). What the page does in that time, a second send, Stop, leaving the
// page, must win over the send still reading: that send started its request anyway once its files
// were read, beside the later one's, and no Stop or unmount reached it (the hook tracks one run).
// In Chromium on the scripted fetch of packages/react/src/__fixtures__/hook-harness.tsx, as
// react-hook.test.ts.

type Harness = {
  requests: { body: unknown; aborted: boolean }[];
  errors: string[];
  send(text: string): Promise<void>;
  sendFiles(text: string, files: { name: string; type: string; content: string }[]): Promise<void>;
  stop(): void;
  unmount(): void;
  state(): { messages: { role: string; text: string }[]; status: string };
};
declare const harness: Harness;
declare const settled: { first?: boolean };

/** Two FileReader slices and more: the read takes several of the page's tasks. */
const photo = { name: 'photo.png', type: 'image/png', content: 'x'.repeat(2 * 1024 * 1024) };

describe('useAgentChat: what the page does while a send reads its files wins', () => {
  let pages: HookHarnessPages;
  beforeAll(async () => {
    pages = await startHookHarnessPages();
  });
  afterAll(async () => {
    await pages?.close();
  });
  const mount = () => pages.open();

  /**
   * Starts a send of `photo`, records in the page when its promise settles, and does `then` in the
   * same task: the files cannot have been read yet (a FileReader answers in a later task).
   */
  const sendPhotoThen = (page: Page, then: 'send' | 'stop' | 'unmount') =>
    page.evaluate(
      ({ file, action }) => {
        (globalThis as { settled?: unknown }).settled = {};
        void harness.sendFiles('What is this?', [file]).then(() => {
          settled.first = true;
        });
        if (action === 'send') void harness.send('Never mind, hello');
        else if (action === 'stop') harness.stop();
        else harness.unmount();
      },
      { file: photo, action: then },
    );
  /** Waits until the photo's send has either returned or sent its own request (`count`). */
  const photoSendDone = (page: Page, count: number) =>
    page.waitForFunction(
      (requests) => settled.first === true || harness.requests.length >= requests,
      count,
    );

  it('a second send while the first reads its files: only the second is sent and shown', async () => {
    const { page, errors } = await mount();
    await sendPhotoThen(page, 'send');
    await page.waitForFunction(() => harness.requests.length >= 1);
    await photoSendDone(page, 2);

    const requests = await page.evaluate(() => harness.requests);
    // Before the fix: two requests, the first (the second send's) never aborted, both runs going.
    expect(requests.map(({ body }) => (body as { message: string }).message)).toEqual([
      'Never mind, hello',
    ]);
    expect(requests[0]?.aborted).toBe(false);
    const { messages, status } = await page.evaluate(() => harness.state());
    expect(messages.map(({ role, text }) => [role, text])).toEqual([
      ['user', 'Never mind, hello'],
      ['assistant', ''],
    ]);
    expect(status).toBe('streaming');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Stop while the files are read: nothing is sent', async () => {
    const { page, errors } = await mount();
    await sendPhotoThen(page, 'stop');
    await photoSendDone(page, 1);

    expect(await page.evaluate(() => harness.requests.length)).toBe(0);
    const { messages, status } = await page.evaluate(() => harness.state());
    expect(messages).toEqual([]);
    expect(status).toBe('idle');
    expect(await page.evaluate(() => harness.errors)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('unmount while the files are read: no request is left open', async () => {
    const { page, errors } = await mount();
    await sendPhotoThen(page, 'unmount');
    await photoSendDone(page, 1);
    // A request made after all (the read ended before the unmount's stop) must be aborted; before
    // the fix one made after the stop stayed open with no hook left to stop it.
    await page.waitForFunction(() => harness.requests.every(({ aborted }) => aborted));
    expect(await page.evaluate(() => harness.requests.filter(({ aborted }) => !aborted))).toEqual(
      [],
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});
