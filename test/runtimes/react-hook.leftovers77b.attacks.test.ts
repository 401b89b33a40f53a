import { describe, expect, it } from 'vitest';
import { hookFinish, hookStart, hookText } from './support/hook-events.ts';
import { hookHarnessSuite } from './support/hook-harness-suite.ts';

// leftovers77b (noticed by attack61f and leftovers76): `resume` with a well-formed point for a run
// the page's messages do not hold (one the server forgot, or never had) added an empty answer for
// it, which the server's refusal (`resume-unavailable`) left in the conversation: an empty bubble
// with an error after an answer that had not failed, saved with the conversation. And a Retry
// after it sent the question before it again, replacing that question's good answer. In Chromium
// on the scripted fetch of packages/react/src/__fixtures__/hook-harness.tsx (as react-hook.test.ts).

type Harness = {
  requests: { url: string; body: unknown; aborted: boolean }[];
  errors: string[];
  points: { point: unknown; messages: { role: string; text: string }[] }[];
  respond(index: number, status: number, body: string): void;
  stream(index: number, events: object[], firstId?: number): void;
  send(text: string): Promise<void>;
  reload(): Promise<void>;
  resume(point: unknown): Promise<void>;
  errorCode(): string | undefined;
  state(): {
    messages: { id: string; role: string; text: string; outcome?: string }[];
    status: string;
  };
};
declare const harness: Harness;

const other = { runId: 'run-9', lastEventId: '4' };
const shown = (state: ReturnType<Harness['state']>) =>
  state.messages.map(({ role, text, outcome }) => [role, text, outcome]);

describe('useAgentChat: resume of a run the page does not hold (leftovers77b)', () => {
  const pages = hookHarnessSuite<ReturnType<Harness['state']>>();

  /** A page that asked "Q1" and got its whole answer "A1". */
  async function answeredQ1() {
    const { page, errors } = await pages.open();
    await page.evaluate(() => void harness.send('Q1'));
    await page.waitForFunction(() => harness.requests.length === 1);
    await page.evaluate(
      (events) => harness.stream(0, events),
      [hookStart, hookText('A1'), hookFinish()],
    );
    await page.waitForFunction(() => harness.state().status === 'idle');
    return { page, errors };
  }

  /** A page that asked "Q1" and got its whole answer "A1", then resumed `other`. */
  async function resumedOther() {
    const { page, errors } = await answeredQ1();
    const resumed = page.evaluate((point) => harness.resume(point), other);
    await page.waitForFunction(() => harness.requests.length === 2);
    return { page, errors, resumed };
  }

  // A 404 to a resume is `resume-unavailable` too since client68: the durable events route of
  // docs/streaming-to-a-browser.md answers so for a run that is not the caller's, or is gone.
  it.each([
    [410, 'resume-unavailable'],
    [404, 'resume-unavailable'],
  ])(
    'refused by the server (%i): an error, and nothing added to the conversation',
    async (status, code) => {
      const { page, errors, resumed } = await resumedOther();
      await page.evaluate((answer) => harness.respond(1, answer, 'no such run'), status);
      await resumed;
      const after = await pages.state(page);
      expect(after.status).toBe('error');
      expect(await page.evaluate(() => harness.errorCode())).toBe(code);
      expect(shown(after)).toEqual([
        ['user', 'Q1', undefined],
        ['assistant', 'A1', 'completed'],
      ]);
      // What the page saves with the end of the run's point: the conversation as it was.
      const saved = await page.evaluate(() => harness.points.at(-1));
      expect(saved?.point).toBeUndefined();
      expect(saved?.messages.map(({ role, text }) => [role, text])).toEqual([
        ['user', 'Q1'],
        ['assistant', 'A1'],
      ]);
      // Retry: nothing of the refused run is in the conversation to send again, and the answer
      // before it did not fail.
      await page.evaluate(() => harness.reload());
      expect(await page.evaluate(() => harness.requests.length)).toBe(2);
      expect(shown(await pages.state(page))).toEqual(shown(after));
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  // leftovers78 (leftovers77b's leftover): a point the client refuses before any request
  // (leftovers76: `invalid-option`) did not mark the chat's failure as one that sent nothing, so
  // Retry sent Q1 again, replacing its good answer A1.
  it.each([
    ['a point without lastEventId', { runId: 'run-9' }],
    ['a point of another shape', 'run-9'],
  ])('refused before any request (%s): Retry sends nothing', async (_label, point) => {
    const { page, errors } = await answeredQ1();
    await page.evaluate((bad) => harness.resume(bad), point);
    const after = await pages.state(page);
    expect(after.status).toBe('error');
    expect(await page.evaluate(() => harness.errorCode())).toBe('invalid-option');
    await page.evaluate(() => harness.reload());
    expect(await page.evaluate(() => harness.requests.length)).toBe(1);
    expect(shown(await pages.state(page))).toEqual([
      ['user', 'Q1', undefined],
      ['assistant', 'A1', 'completed'],
    ]);
    // The next send is taken as before.
    await page.evaluate(() => void harness.send('Q2'));
    await page.waitForFunction(() => harness.requests.length === 2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('resumed: its answer is added, as before', async () => {
    const { page, errors, resumed } = await resumedOther();
    await page.evaluate(
      (events) => harness.stream(1, events, 5),
      [{ ...hookText('A9'), stepNumber: 2 }, hookFinish()],
    );
    await resumed;
    expect(shown(await pages.state(page))).toEqual([
      ['user', 'Q1', undefined],
      ['assistant', 'A1', 'completed'],
      ['assistant', 'A9', 'completed'],
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
