import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hookHarnessSuite } from './support/hook-harness-suite.ts';

// attack61f: a careless page's calls of useAgentChat, in Chromium on the scripted fetch of
// packages/react/src/__fixtures__/hook-harness.tsx (as react-hook.test.ts).
// - `send`, `reload` or `resume` after the hook unmounted (a handler that awaited something, a
//   timer the page left): each started a request no Stop or unmount could reach any more, the
//   run going on the server for as long as it liked.
// - Retry (`reload`) after a send refused before any request (a file the chat does not take):
//   it sent the question before that one again, replacing its answer (and running its tools
//   again), though nothing of the refused send was ever sent.

type Harness = {
  requests: { body: unknown; aborted: boolean; headers: Record<string, string> }[];
  errors: string[];
  respond(index: number, status: number, body: string): void;
  stream(index: number, events: object[], firstId?: number): void;
  push(index: number, events: object[], end?: boolean): void;
  send(text: string): Promise<void>;
  sendFiles(text: string, files: { name: string; type: string; content: string }[]): Promise<void>;
  reload(): Promise<void>;
  resume(point: { runId: string; lastEventId: string }): Promise<void>;
  errorCode(): string | undefined;
  stop(): void;
  unmount(): void;
  state(): {
    messages: { id: string; role: string; text: string; outcome?: string }[];
    status: string;
  };
};
declare const harness: Harness;

const start = { type: 'start', path: [], runId: 'run-1', protocol: 1 };
const text = (value: string) => ({ type: 'text-delta', path: [], stepNumber: 1, text: value });
const finish = { type: 'finish', path: [], outcome: 'completed', finishReason: 'stop', cost: null };

describe('useAgentChat: a careless page (attack61f)', () => {
  const pages = hookHarnessSuite<ReturnType<Harness['state']>>();
  const { state } = pages;

  /** A page that asked "Q1" and got its whole answer "A1". */
  async function answered(): Promise<{ page: Page; errors: string[] }> {
    const opened = await pages.open();
    const { page } = opened;
    await page.evaluate(() => void harness.send('Q1'));
    await page.waitForFunction(() => harness.requests.length === 1);
    await page.evaluate((events) => harness.stream(0, events), [start, text('A1'), finish]);
    await page.waitForFunction(() => harness.state().status === 'idle');
    return opened;
  }

  it('a generateId that repeats itself: every message its own id, a failure shown on the answer', async () => {
    const { page, errors } = await pages.open(async (opening) => {
      await opening.evaluate(() => {
        (globalThis as { sameId?: string }).sameId = '1764586800000';
      });
    });
    await page.evaluate(() => void harness.send('Q1'));
    await page.waitForFunction(() => harness.requests.length === 1);
    await page.evaluate(() => harness.respond(0, 503, 'busy'));
    await page.waitForFunction(() => harness.state().status === 'error');
    await page.evaluate(() => void harness.send('Q2'));
    await page.waitForFunction(() => harness.requests.length === 2);
    await page.evaluate((events) => harness.stream(1, events), [start, text('A2')]);
    await page.waitForFunction(() => harness.state().messages.at(-1)?.text === 'A2');
    await page.evaluate(() => harness.stop());
    await page.waitForFunction(() => harness.state().status === 'idle');
    const { messages } = await page.evaluate(() => harness.state());
    // Before the fix: user and answer shared the id, so the failure and the stop went to the user
    // message (found first) and the answers showed neither.
    expect(new Set(messages.map(({ id }) => id)).size).toBe(4);
    expect(messages.map(({ role, text, outcome }) => [role, text, outcome])).toEqual([
      ['user', 'Q1', undefined],
      ['assistant', '', 'error'],
      ['user', 'Q2', undefined],
      ['assistant', 'A2', 'aborted'],
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('resume of the run streaming here goes on with it: no cancel, no second request', async () => {
    const { page, errors } = await pages.open();
    await page.evaluate(() => void harness.send('Q1'));
    await page.waitForFunction(() => harness.requests.length === 1);
    await page.evaluate(
      (events) => harness.stream(0, events),
      [{ ...start, cancellable: true }, text('Hel')],
    );
    await page.waitForFunction(() => harness.state().messages[1]?.text === 'Hel');
    // A page that resumes on `online` or in an effect that runs again, with the point it saved.
    await page.evaluate(() => void harness.resume({ runId: 'run-1', lastEventId: '1' }));
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    // Before the fix: the run's request aborted, a cancel posted (the server stopped the run the
    // page meant to go on reading) and a resume request.
    const seen = await page.evaluate(() =>
      harness.requests.map(({ aborted, headers }) => ({
        aborted,
        cancel: headers['gemloop-cancel'],
      })),
    );
    expect(seen).toEqual([{ aborted: false, cancel: undefined }]);
    await page.evaluate((events) => harness.push(0, events, true), [text('lo'), finish]);
    await page.waitForFunction(() => harness.state().status === 'idle');
    expect((await state(page)).messages.map(({ text, outcome }) => [text, outcome])).toEqual([
      ['Q1', undefined],
      ['Hello', 'completed'],
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('send, reload and resume after unmount start no request', async () => {
    const { page, errors } = await answered();
    await page.evaluate(() => harness.unmount());
    // The unmount's stop runs a turn later (StrictMode's double mount): past it.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    await page.evaluate(() => {
      void harness.send('Late');
      void harness.reload();
      void harness.resume({ runId: 'run-1', lastEventId: '1' });
    });
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    // Before the fix: three more requests, none ever aborted.
    expect(await page.evaluate(() => harness.requests.length)).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Retry after a refused file sends nothing again: the answer before stays as it was', async () => {
    const { page, errors } = await answered();
    await page.evaluate(() =>
      harness.sendFiles('Unpack this', [{ name: 'a.zip', type: 'application/zip', content: 'PK' }]),
    );
    await page.waitForFunction(() => harness.state().status === 'error');
    expect(await page.evaluate(() => harness.errorCode())).toBe('file-refused');
    // Not awaited: a reload that sends streams until its request is answered.
    await page.evaluate(() => void harness.reload());
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    // Before the fix: a second request asking "Q1" again, its answer "A1" replaced by an empty one.
    expect(await page.evaluate(() => harness.requests.length)).toBe(1);
    const after = await state(page);
    expect(after.messages.map(({ role, text, outcome }) => [role, text, outcome])).toEqual([
      ['user', 'Q1', undefined],
      ['assistant', 'A1', 'completed'],
    ]);
    // The refusal still shows: the page can tell the user what to change.
    expect(after.status).toBe('error');
    expect(await page.evaluate(() => harness.errorCode())).toBe('file-refused');

    // A send that reaches the server, then a failure: Retry sends that question again, as before.
    await page.evaluate(() => void harness.send('Q2'));
    await page.waitForFunction(() => harness.requests.length === 2);
    await page.evaluate(() => harness.respond(1, 503, 'busy'));
    await page.waitForFunction(() => harness.state().status === 'error');
    await page.evaluate(() => void harness.reload());
    await page.waitForFunction(() => harness.requests.length === 3);
    expect(
      await page.evaluate(
        () => (harness.requests[2]?.body as { message?: string } | undefined)?.message,
      ),
    ).toBe('Q2');
    expect(errors).toEqual([]);
    await page.close();
  });
});
