import { createFakeGemini, listenOnLoopback, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, type SseEvent } from './__fixtures__/read-sse.ts';
import { createApprovalBroker } from './approval-broker.ts';
import { createReplayBuffer, RUN_ID_HEADER } from './replay-buffer.ts';
import { writeEventStream } from './write-event-stream.ts';

// attack49b: a page whose connection drops while a tool call waits for its approval, over real
// HTTP on 127.0.0.1 (`writeEventStream` on `node:http`). Without a replay buffer the run is
// aborted: the call is denied, never run, and the model is asked nothing more. With one, the page
// that comes back within the window (Last-Event-ID) is sent each event after its last once, none
// missing, answers, and reads the run to its end; another user's page with the same run id gets
// the unknown run's answer.

async function serveEmailRun(options: { replay: boolean }) {
  const fake = createFakeGemini({
    script: [turn.call('send_email', { to: 'boss@example.com' }), turn.text('Sent.')],
  });
  const sent: string[] = [];
  const sendEmail = defineTool({
    name: 'send_email',
    description: 'Sends an email.',
    parameters: z.object({ to: z.string() }),
    execute: ({ to }) => {
      sent.push(to);
      return { sent: true };
    },
  });
  const broker = createApprovalBroker();
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
    tools: [sendEmail],
    beforeToolCall: broker.beforeToolCall,
  });
  const replay = options.replay ? createReplayBuffer() : undefined;
  const server = await listenOnLoopback((request, response) => {
    const owner = request.headers['x-user'] === 'bob' ? 'bob' : 'alice';
    const resumed = replay?.resume(request, { owner });
    void writeEventStream(response, resumed ?? agent.stream('Email the boss'), {
      approvals: broker,
      owner,
      runId: 'run-1',
      ...(replay === undefined ? {} : { replay }),
    });
  });
  onTestFinished(() => server.close());
  return { url: server.url, fake, sent, broker };
}

/** Reads `body` until an event of `type`; the events read so far. */
async function readUntil(body: ReadableStream<Uint8Array>, type: string): Promise<SseEvent[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const events = parseSse(text).events;
    if (events.some((event) => event.data.type === type)) {
      await reader.cancel();
      return events;
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`ended before ${type}:\n${text}`);
    text += decoder.decode(value, { stream: true });
  }
}

/** Waits for `check` (a hang guard: the test's own time limit ends a wait that never comes). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('a page gone while a call waits for approval (attack49b)', () => {
  it('no replay: the run is aborted, the call denied and never run, no model call after', async () => {
    const { url, fake, sent, broker } = await serveEmailRun({ replay: false });
    const page = new AbortController();
    const response = await fetch(url, { method: 'POST', signal: page.signal });
    await readUntil(response.body as ReadableStream<Uint8Array>, 'approval-pending');
    expect(broker.pendingCount).toBe(1);
    page.abort();
    await until(() => broker.pendingCount === 0);
    expect(sent).toEqual([]);
    expect(fake.modelRequests).toHaveLength(1);
  });

  it('with replay: the page back within the window gets each event after its last once, answers, reads the end', async () => {
    const { url, fake, sent, broker } = await serveEmailRun({ replay: true });
    const page = new AbortController();
    const first = await fetch(url, { method: 'POST', signal: page.signal });
    const before = await readUntil(first.body as ReadableStream<Uint8Array>, 'approval-pending');
    const pending = before.find((event) => event.data.type === 'approval-pending');
    page.abort();
    // The page had every event up to the one before the approval: it is sent again, once.
    const lastHad = before[before.indexOf(pending as SseEvent) - 1]?.id as string;

    const bob = await fetch(url, {
      headers: { [RUN_ID_HEADER]: 'run-1', 'last-event-id': lastHad, 'x-user': 'bob' },
    });
    expect(bob.status).toBe(410);
    expect(await bob.text()).not.toContain('approval');

    const again = await fetch(url, {
      headers: { [RUN_ID_HEADER]: 'run-1', 'last-event-id': lastHad },
    });
    expect(again.status).toBe(200);
    const reader = (again.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!parseSse(text).events.some((event) => event.data.type === 'approval-pending')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`ended before approval-pending:\n${text}`);
      text += decoder.decode(value, { stream: true });
    }
    const resent = parseSse(text).events.find((event) => event.data.type === 'approval-pending');
    expect(resent?.data.approvalId).toBe(pending?.data.approvalId);
    expect(
      broker.answer(
        { approvalId: resent?.data.approvalId as string, decision: 'approve' },
        { owner: 'alice' },
      ),
    ).toBe(true);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const after = parseSse(text).events;
    // Each id once, in order, the first right after the page's last: none twice, none missing.
    const ids = [...before.slice(0, before.indexOf(pending as SseEvent)), ...after].map((event) =>
      Number(event.id),
    );
    expect(ids).toEqual(ids.map((_, index) => (ids[0] as number) + index));
    expect(after.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'completed' });
    expect(sent).toEqual(['boss@example.com']);
    expect(fake.modelRequests).toHaveLength(2);
  });
});
