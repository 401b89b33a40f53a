import { describe, expect, it } from 'vitest';
import { hookFinish, hookPending, hookStart, hookText } from './support/hook-events.ts';
import { hookHarnessSuite } from './support/hook-harness-suite.ts';

// leftovers76: a careless or hostile page's calls of useAgentChat, in Chromium on the scripted
// fetch of packages/react/src/__fixtures__/hook-harness.tsx (as react-hook.test.ts).
// - `approve` twice for one approval (a double click): each posted an answer; the second found
//   nothing waiting, and its `approval-gone` removed the approval before the run confirmed it.
// - `resume` with a point the client refuses (forged, edited in storage): the state added an
//   empty answer for it, which stayed in the conversation (and in what the page saves).

type Harness = {
  requests: { url: string; body: unknown; aborted: boolean }[];
  errors: string[];
  respond(index: number, status: number, body: string): void;
  stream(index: number, events: object[], firstId?: number): void;
  send(text: string): Promise<void>;
  resume(point: unknown): Promise<void>;
  approve(id: string, decision: 'approve' | 'deny'): Promise<boolean>;
  errorCode(): string | undefined;
  state(): {
    messages: { id: string; role: string; text: string; outcome?: string; approvals?: unknown[] }[];
    status: string;
  };
};
declare const harness: Harness;

const start = hookStart;
const text = hookText;
const finish = hookFinish();
const pending = hookPending;

describe('useAgentChat: a double click and a forged resume point (leftovers76)', () => {
  const pages = hookHarnessSuite<ReturnType<Harness['state']>>();
  const { state } = pages;

  it('approve twice for one approval posts one answer; both calls resolve as it did', async () => {
    const { page, errors } = await pages.open();
    await page.evaluate(() => void harness.send('Email me'));
    await page.waitForFunction(() => harness.requests.length === 1);
    await page.evaluate((events) => harness.stream(0, events), [start, pending]);
    await page.waitForFunction(() => harness.state().status === 'awaiting-approval');
    const answers = page.evaluate(() =>
      Promise.all([harness.approve('ap-1', 'approve'), harness.approve('ap-1', 'approve')]),
    );
    await page.waitForFunction(() => harness.requests.length === 2);
    await page.evaluate(() => harness.respond(1, 200, '{"answered":true}'));
    expect(await answers).toEqual([true, true]);
    // Once accepted, a third click posts nothing either.
    expect(await page.evaluate(() => harness.approve('ap-1', 'approve'))).toBe(true);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    const posted = await page.evaluate(() =>
      harness.requests.filter((request) => request.url === '/approvals'),
    );
    expect(posted).toHaveLength(1);
    // The approval waits for the run's confirmation, not removed by a second answer's "gone".
    expect((await state(page)).messages[1]?.approvals).toMatchObject([{ answering: 'approve' }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('approve again after an answer not accepted posts again', async () => {
    const { page } = await pages.open();
    await page.evaluate(() => void harness.send('Email me'));
    await page.waitForFunction(() => harness.requests.length === 1);
    await page.evaluate((events) => harness.stream(0, events), [start, pending]);
    await page.waitForFunction(() => harness.state().status === 'awaiting-approval');
    const refused = page.evaluate(() => harness.approve('ap-1', 'deny'));
    await page.waitForFunction(() => harness.requests.length === 2);
    await page.evaluate(() => harness.respond(1, 500, 'try later'));
    expect(await refused).toBe(false);
    const again = page.evaluate(() => harness.approve('ap-1', 'deny'));
    await page.waitForFunction(() => harness.requests.length === 3);
    await page.evaluate(() => harness.respond(2, 200, '{"answered":true}'));
    expect(await again).toBe(true);
    await page.close();
  });

  it.each([
    ['a runId that is a number', { runId: 42, lastEventId: '1' }],
    ['a runId with a line end', { runId: 'run-1\r\nx-admin: 1', lastEventId: '1' }],
    ['no lastEventId', { runId: 'run-1' }],
    ['a string', 'run-1'],
  ])('resume with %s: refused, no request, no empty answer added', async (_label, point) => {
    const { page, errors } = await pages.open();
    await page.evaluate(() => void harness.send('Q1'));
    await page.waitForFunction(() => harness.requests.length === 1);
    await page.evaluate((events) => harness.stream(0, events), [start, text('A1'), finish]);
    await page.waitForFunction(() => harness.state().status === 'idle');
    await page.evaluate((forged) => harness.resume(forged), point);
    const after = await state(page);
    expect(after.status).toBe('error');
    expect(await page.evaluate(() => harness.errorCode())).toBe('invalid-option');
    // Nor the run's finished answer marked failed (a point naming a run the page holds).
    expect(after.messages.map(({ role, text, outcome }) => [role, text, outcome])).toEqual([
      ['user', 'Q1', undefined],
      ['assistant', 'A1', 'completed'],
    ]);
    expect(await page.evaluate(() => harness.requests.length)).toBe(1);
    expect(await page.evaluate(() => harness.errors)).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
