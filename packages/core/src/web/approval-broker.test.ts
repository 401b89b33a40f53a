import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { emailAgent } from './__fixtures__/email-agent.ts';
import { parseSse, type SseEvent } from './__fixtures__/read-sse.ts';
import { approvalBrokerInternals, createApprovalBroker } from './approval-broker.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

/** Reads a body event by event. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const seen: SseEvent[] = [];
  return {
    seen,
    async until(type: string): Promise<SseEvent> {
      for (;;) {
        const found = parseSse(text).events.find(
          (event, index) => index >= seen.length && event.event === type,
        );
        if (found !== undefined) {
          seen.splice(0, seen.length, ...parseSse(text).events);
          return found;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`The stream ended before a ${type} event:\n${text}`);
        text += decoder.decode(value, { stream: true });
      }
    },
    async rest(): Promise<SseEvent[]> {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return parseSse(text).events;
        text += decoder.decode(value, { stream: true });
      }
    },
  };
}

function setup(broker: ReturnType<typeof createApprovalBroker>) {
  const sent: string[] = [];
  // Every fake starts from the same seed: both runs' calls get the same toolCallId.
  const agentFor = () =>
    emailAgent({
      broker,
      sent,
      script: [turn.call('send_email', { to: 'team@example.com' }), turn.text('Sent.')],
    });
  return { sent, agentFor };
}

const post = (body: unknown) =>
  new Request('http://localhost/approvals', { method: 'POST', body: JSON.stringify(body) });

describe('createApprovalBroker', () => {
  it('shows a pending call on its own run only, and runs it once the page approves', async () => {
    const broker = createApprovalBroker();
    const { sent, agentFor } = setup(broker);
    const first = eventReader(
      toEventStreamResponse(agentFor().stream('Email the team'), { approvals: broker })
        .body as ReadableStream<Uint8Array>,
    );
    const second = eventReader(
      toEventStreamResponse(agentFor().stream('Email the team'), { approvals: broker })
        .body as ReadableStream<Uint8Array>,
    );
    const pendingA = await first.until('approval-pending');
    const pendingB = await second.until('approval-pending');
    const callA = first.seen.find((event) => event.event === 'tool-call');
    const callB = second.seen.find((event) => event.event === 'tool-call');
    // Same tool call id from the model, different approvals, each on its own page.
    expect(callA?.data.toolCallId).toBe(callB?.data.toolCallId);
    expect(pendingA.data.approvalId).not.toBe(pendingB.data.approvalId);
    expect(pendingA.data).toMatchObject({
      toolName: 'send_email',
      args: { to: 'team@example.com' },
      toolCallId: callA?.data.toolCallId,
    });
    expect(broker.pendingCount).toBe(2);
    expect(sent).toEqual([]);

    const answered = await broker.handleAnswer(
      post({ approvalId: pendingA.data.approvalId, decision: 'approve' }),
    );
    expect(answered.status).toBe(204);
    const eventsA = await first.rest();
    expect(eventsA.map((event) => event.event)).toContain('approval-resolved');
    expect(eventsA.find((event) => event.event === 'tool-result')?.data.outcome).toBe('success');
    expect(eventsA.at(-1)?.data.outcome).toBe('completed');
    expect(sent).toEqual(['team@example.com']);
    // The other run still waits; a denial reaches the model as the call's error.
    expect(broker.pendingCount).toBe(1);
    expect(
      broker.answer({ approvalId: pendingB.data.approvalId, decision: 'deny', message: 'No.' }),
    ).toBe(true);
    const eventsB = await second.rest();
    expect(eventsB.find((event) => event.event === 'tool-result')?.data).toMatchObject({
      outcome: 'denied',
    });
    expect(sent).toEqual(['team@example.com']);
  });

  it('pairs a call the model sent without args (one arguments object per call)', async () => {
    // Before raw-args.ts, the event and the hook each made their own `{}`: the approval matched
    // no page, and the call was denied when it timed out. The limit is a hang guard (under the
    // test's own 60 s): at 2 s it also bounded the wait for this test's answer, which must be
    // approved, and a loaded machine (load 20) can take that long to read the event and answer.
    const broker = createApprovalBroker({ timeoutMs: 30_000 });
    const ping = defineTool({
      name: 'ping',
      description: 'Pings.',
      parameters: z.object({}),
      execute: () => 'pong',
    });
    const fake = createFakeGemini({
      script: [turn.parts([{ functionCall: { name: 'ping' } }]), turn.text('Pinged.')],
    });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [ping],
      beforeToolCall: broker.beforeToolCall,
    });
    const reader = eventReader(
      toEventStreamResponse(agent.stream('Ping'), { approvals: broker })
        .body as ReadableStream<Uint8Array>,
    );
    const pending = await reader.until('approval-pending');
    expect(pending.data).toMatchObject({ toolName: 'ping', args: {} });
    broker.answer({ approvalId: pending.data.approvalId, decision: 'approve' });
    expect((await reader.rest()).at(-1)?.data.outcome).toBe('completed');
  });

  it('answers 404 for an id nothing waits under, 400 for a malformed answer', async () => {
    const broker = createApprovalBroker();
    expect(
      (await broker.handleAnswer(post({ approvalId: 'nope', decision: 'approve' }))).status,
    ).toBe(404);
    const bad = await broker.handleAnswer(post({ approvalId: 'x', decision: 'yes' }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/answer\.decision/);
    expect((await broker.handleAnswer(post('x'.repeat(20_000)))).status).toBe(400);
    expect(() => broker.answer({ approvalId: '', decision: 'approve' })).toThrow(
      /approvalId must be a non-empty string/,
    );
  });

  it('denies, without holding a slot, a call whose run aborted while needsApproval decided', async () => {
    const controller = new AbortController();
    const broker = createApprovalBroker({
      maxPending: 1,
      needsApproval: () => {
        controller.abort(new Error('the user left'));
        return true;
      },
    });
    const context = {
      signal: controller.signal,
      rawArgs: { to: 'team@example.com' },
      toolName: 'send_email',
      toolCallId: 'call-1',
      stepNumber: 1,
    } as unknown as Parameters<typeof broker.beforeToolCall>[0];
    await expect(broker.beforeToolCall(context)).resolves.toEqual({
      type: 'deny',
      message: 'The run was aborted before an answer.',
    });
    expect(broker.pendingCount).toBe(0);
  });

  it('approves at once what needsApproval lets through', async () => {
    const broker = createApprovalBroker({ needsApproval: () => false });
    const { sent, agentFor } = setup(broker);
    const events = await eventReader(
      toEventStreamResponse(agentFor().stream('Email the team'), { approvals: broker })
        .body as ReadableStream<Uint8Array>,
    ).rest();
    expect(events.map((event) => event.event)).not.toContain('approval-pending');
    expect(sent).toEqual(['team@example.com']);
  });

  it('gives the model a deny message it can send: cut between characters, lone surrogates replaced', async () => {
    const broker = createApprovalBroker();
    let approvalId = '';
    approvalBrokerInternals(broker)?.listen({
      runId: 'run-1',
      owner: undefined,
      owns: () => true,
      pending: (approval) => {
        approvalId = approval.approvalId;
      },
      resolved: () => {},
    });
    const denyWith = async (message: string) => {
      const decision = broker.beforeToolCall({
        signal: new AbortController().signal,
        rawArgs: {},
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: 'send_email',
      } as unknown as Parameters<typeof broker.beforeToolCall>[0]);
      await Promise.resolve();
      const response = await broker.handleAnswer(
        new Request('http://localhost/approvals', {
          method: 'POST',
          body: JSON.stringify({ approvalId, decision: 'deny', message }),
        }),
      );
      expect(response.status).toBe(204);
      return ((await decision) as { message: string }).message;
    };
    // The 1000-character cut fell inside the emoji: its high half was sent alone.
    expect(await denyWith(`${'a'.repeat(999)}😀`)).toBe('a'.repeat(999));
    expect(await denyWith('no \ud800 way \udc00 😀')).toBe('no \ufffd way \ufffd 😀');
  });
});

describe('createApprovalBroker bounds per run and per owner', () => {
  /** A run that makes `count` calls in one turn, served with `owner`; reads until it waits. */
  function serveRun(
    broker: ReturnType<typeof createApprovalBroker>,
    owner: string,
    count: number,
    sent: string[],
  ) {
    const calls = Array.from({ length: count }, (_, index) => ({
      name: 'send_email',
      args: { to: `${owner}-${index}@example.com` },
    }));
    const agent = emailAgent({ broker, sent, script: [turn.calls(calls), turn.text('Done.')] });
    const controller = new AbortController();
    const body = toEventStreamResponse(agent.stream('Email them', { signal: controller.signal }), {
      approvals: broker,
      owner,
    }).body as ReadableStream<Uint8Array>;
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    /** The events so far once `check` holds for them (or the body ended). */
    const until = async (check: (events: SseEvent[]) => boolean): Promise<SseEvent[]> => {
      for (;;) {
        const events = parseSse(text).events;
        if (check(events)) return events;
        const { value, done } = await reader.read();
        if (done) return events;
        text += decoder.decode(value, { stream: true });
      }
    };
    /** The run's calls shown as waiting or already answered, once `count` of them are. */
    const settled = async (count: number) =>
      (await until((events) => shownCalls(events).length >= count)).filter(isShownCall);
    return { abort: () => controller.abort(), until, settled };
  }

  const isShownCall = (event: SseEvent) =>
    event.event === 'approval-pending' || event.event === 'tool-result';
  const shownCalls = (events: SseEvent[]) => events.filter(isShownCall);
  const ended = (events: SseEvent[]) => events.some((event) => event.event === 'finish');
  const pendingOf = async (run: ReturnType<typeof serveRun>) =>
    (await run.until((events) => events.some((event) => event.event === 'approval-pending'))).find(
      (event) => event.event === 'approval-pending',
    );

  /** Alice's one call waits for her despite Mallory's, and runs once she approves it. */
  async function aliceStillApproves(
    broker: ReturnType<typeof createApprovalBroker>,
    sent: string[],
  ) {
    const polite = serveRun(broker, 'alice', 1, sent);
    const pending = await pendingOf(polite);
    const answer = { approvalId: pending?.data.approvalId, decision: 'approve' as const };
    expect(broker.answer(answer, { owner: 'alice' })).toBe(true);
    await polite.until(ended);
    expect(sent).toEqual(['alice-0@example.com']);
  }

  it('denies at once a run past maxPendingPerRun; another run of another owner still waits', async () => {
    const broker = createApprovalBroker({ maxPending: 3, maxPendingPerRun: 2 });
    const sent: string[] = [];
    const greedy = serveRun(broker, 'mallory', 3, sent);
    const shown = await greedy.settled(3);
    expect(shown.filter((event) => event.event === 'approval-pending')).toHaveLength(2);
    expect(shown.find((event) => event.event === 'tool-result')?.data).toMatchObject({
      outcome: 'denied',
    });
    expect(broker.pendingCount).toBe(2);
    await aliceStillApproves(broker, sent);
    greedy.abort();
    await greedy.until(ended);
    expect(broker.pendingCount).toBe(0);
  });

  it('denies at once an owner past maxPendingPerOwner over several runs; another owner still waits', async () => {
    const broker = createApprovalBroker({ maxPending: 3, maxPendingPerOwner: 2 });
    const sent: string[] = [];
    const first = serveRun(broker, 'mallory', 2, sent);
    await first.settled(2);
    const second = serveRun(broker, 'mallory', 1, sent);
    const [result] = await second.settled(1);
    expect(result?.data).toMatchObject({ type: 'tool-result', outcome: 'denied' });
    await aliceStillApproves(broker, sent);
    first.abort();
    second.abort();
    await Promise.all([first.until(ended), second.until(ended)]);
    expect(broker.pendingCount).toBe(0);
  });
});
