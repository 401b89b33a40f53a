import { gzipSync } from 'node:zlib';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { emailAgent } from './__fixtures__/email-agent.ts';
import { parseSse } from './__fixtures__/read-sse.ts';
import { createApprovalBroker } from './approval-broker.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// Approvals answered from outside (attack-doors7): an answer posted twice at once with opposite
// decisions, an approval id another user's page learnt, an answer after the page went away. One
// answer counts, from the run's owner only, and the tool runs at most once.

const post = (body: unknown) =>
  new Request('http://localhost/approvals', { method: 'POST', body: JSON.stringify(body) });

/** Reads `body` until an `approval-pending` event; hands back its id and the rest of the body. */
async function pendingOf(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const found = parseSse(text).events.find((event) => event.event === 'approval-pending');
    if (found !== undefined) {
      return {
        approvalId: found.data.approvalId as string,
        async rest() {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return parseSse(text).events;
            text += decoder.decode(value, { stream: true });
          }
        },
        cancel: () => reader.cancel(),
      };
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`ended before approval-pending:\n${text}`);
    text += decoder.decode(value, { stream: true });
  }
}

function aliceRun(broker: ReturnType<typeof createApprovalBroker>, sent: string[]) {
  const agent = emailAgent({
    broker,
    sent,
    script: [turn.call('send_email', { to: 'boss@example.com' }), turn.text('Sent.')],
  });
  return toEventStreamResponse(agent.stream('Email the boss'), {
    approvals: broker,
    owner: 'alice',
  }).body as ReadableStream<Uint8Array>;
}

describe('approval answers from outside (attack-doors7)', () => {
  it('an approve and a deny posted at once, twice each: one counts, the tool runs once', async () => {
    const broker = createApprovalBroker();
    const sent: string[] = [];
    const page = await pendingOf(aliceRun(broker, sent));
    const answers = await Promise.all(
      ['approve', 'deny', 'approve', 'deny'].map((decision) =>
        broker.handleAnswer(post({ approvalId: page.approvalId, decision }), { owner: 'alice' }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([204, 404, 404, 404]);
    const events = await page.rest();
    expect(events.filter((event) => event.event === 'approval-resolved')).toHaveLength(1);
    expect(events.find((event) => event.event === 'tool-result')?.data.outcome).toBe('success');
    expect(sent).toEqual(['boss@example.com']);
    expect(broker.pendingCount).toBe(0);
  });

  it("bob's page with alice's approval id (a leaked log line), and a page with no owner, get the unknown id's answer", async () => {
    const broker = createApprovalBroker();
    const sent: string[] = [];
    const page = await pendingOf(aliceRun(broker, sent));
    const unknown = await broker.handleAnswer(
      post({ approvalId: crypto.randomUUID(), decision: 'approve' }),
      { owner: 'bob' },
    );
    for (const owner of ['bob', undefined, 'Alice', 'alice ']) {
      const answer = await broker.handleAnswer(
        post({ approvalId: page.approvalId, decision: 'approve' }),
        { owner },
      );
      expect(answer.status, String(owner)).toBe(404);
      // Word for word the answer to an id nothing waits under: it tells bob nothing.
      expect(await answer.text()).toBe(await unknown.clone().text());
    }
    expect(sent).toEqual([]);
    expect(broker.pendingCount).toBe(1);
    expect(
      broker.answer({ approvalId: page.approvalId, decision: 'deny' }, { owner: 'alice' }),
    ).toBe(true);
    await page.rest();
    expect(sent).toEqual([]);
  });

  it('an answer after the page went away (its run aborted) finds nothing, and runs nothing', async () => {
    const broker = createApprovalBroker();
    const sent: string[] = [];
    const page = await pendingOf(aliceRun(broker, sent));
    await page.cancel();
    // The run's abort reaches the pending call within a turn or two.
    for (let turn = 0; turn < 50 && broker.pendingCount > 0; turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(broker.pendingCount).toBe(0);
    const late = await broker.handleAnswer(
      post({ approvalId: page.approvalId, decision: 'approve' }),
      { owner: 'alice' },
    );
    expect(late.status).toBe(404);
    expect(sent).toEqual([]);
  });

  it('an answer with a Content-Encoding (gzip, or plain JSON labelled br) is a 415, unread: the call still waits (attack44a)', async () => {
    const broker = createApprovalBroker();
    const sent: string[] = [];
    const page = await pendingOf(aliceRun(broker, sent));
    const json = JSON.stringify({ approvalId: page.approvalId, decision: 'approve' });
    for (const [coding, body] of [
      ['br', json],
      ['gzip', new Uint8Array(gzipSync(json))],
      ['identity, deflate', json],
    ] as const) {
      const answer = await broker.handleAnswer(
        new Request('http://localhost/approvals', {
          method: 'POST',
          headers: { 'content-encoding': coding },
          body,
        }),
        { owner: 'alice' },
      );
      expect(answer.status, coding).toBe(415);
      expect(await answer.text()).toContain('uncompressed');
    }
    expect(broker.pendingCount).toBe(1);
    const plain = await broker.handleAnswer(
      new Request('http://localhost/approvals', {
        method: 'POST',
        headers: { 'content-encoding': 'identity' },
        body: json,
      }),
      { owner: 'alice' },
    );
    expect(plain.status).toBe(204);
    await page.rest();
    expect(sent).toEqual(['boss@example.com']);
  });
});
