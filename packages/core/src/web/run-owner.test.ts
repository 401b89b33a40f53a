import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { emailAgent } from './__fixtures__/email-agent.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { createApprovalBroker } from './approval-broker.ts';
import { createReplayBuffer } from './replay-buffer.ts';
import { RunAccessDeniedError } from './run-access-denied-error.ts';
import { checkRunOwner, isRunOwner } from './run-owner.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// Issue 52: a run id is no key. Alice's run, its id leaked to Bob (a log line, a shared link):
// Bob can neither read it (resume), nor answer its approvals, nor stop it, and the answers he
// gets are word for word those of an id nobody holds.

function aliceRun() {
  const approvals = createApprovalBroker();
  const replay = createReplayBuffer();
  const sent: string[] = [];
  const agent = emailAgent({
    broker: approvals,
    sent,
    script: [turn.call('send_email', { to: 'team@example.com' }), turn.text('Sent.')],
  });
  const response = toEventStreamResponse(agent.stream('Email the team'), {
    replay,
    approvals,
    owner: 'alice',
    runId: 'run-alice',
  });
  return { approvals, replay, sent, response };
}

const resumeHeaders = (lastEventId: string) =>
  new Headers({ 'gemloop-run-id': 'run-alice', 'last-event-id': lastEventId });
const answer = (approvalId: string) =>
  new Request('http://localhost/approvals', {
    method: 'POST',
    body: JSON.stringify({ approvalId, decision: 'approve' }),
  });
const cancelHeaders = new Headers({ 'gemloop-run-id': 'run-alice', 'gemloop-cancel': '1' });

describe('who owns a run', () => {
  it('lets only the owner resume, answer and cancel; a stranger gets what an unknown id gets', async () => {
    const { approvals, replay, sent, response } = aliceRun();
    // Alice's connection breaks while the call waits for her.
    const before = parseSse(
      await readBody(response.body as ReadableStream<Uint8Array>, (text) =>
        text.includes('event: approval-pending'),
      ),
    ).events;
    const lastId = before.at(-1)?.id as string;
    const approvalId = before.find((event) => event.event === 'approval-pending')?.data.approvalId;
    const nobody = createReplayBuffer();
    const unknownResume = nobody.resume({ headers: resumeHeaders(lastId) }) as Response;
    const unknownAnswer = await createApprovalBroker().handleAnswer(answer(approvalId));

    for (const owner of ['bob', undefined]) {
      // Reading: refused as if the buffer held no such run (410, the same words).
      const resumed = replay.resume({ headers: resumeHeaders(lastId) }, { owner }) as Response;
      expect(resumed.status).toBe(unknownResume.status);
      expect(await resumed.text()).toBe(await unknownResume.clone().text());
      // Approving: refused as an id nothing waits under (404, the same words).
      const answered = await approvals.handleAnswer(answer(approvalId), { owner });
      expect(answered.status).toBe(404);
      expect(await answered.text()).toBe(await unknownAnswer.clone().text());
      expect(approvals.answer({ approvalId, decision: 'approve' }, { owner })).toBe(false);
      // Stopping: refused as an unknown run.
      expect(replay.resume({ headers: cancelHeaders }, { owner })?.status).toBe(404);
      expect(replay.cancel('run-alice', { owner })).toBe(false);
    }
    expect(sent).toEqual([]);
    expect(approvals.pendingCount).toBe(1);

    // Alice resumes where she was and approves: the call runs once.
    const resumed = replay.resume(
      { headers: resumeHeaders(lastId) },
      { owner: 'alice' },
    ) as Response;
    expect(resumed.status).toBe(200);
    expect((await approvals.handleAnswer(answer(approvalId), { owner: 'alice' })).status).toBe(204);
    const after = parseSse(await readBody(resumed.body as ReadableStream<Uint8Array>)).events;
    expect(after.at(-1)?.data).toMatchObject({ type: 'finish', outcome: 'completed' });
    expect(sent).toEqual(['team@example.com']);
  });

  it('refuses an owner that is no id (empty, not a string) with a typed error naming it', () => {
    const { replay } = aliceRun();
    for (const owner of ['', 42, 'x'.repeat(1025)]) {
      expect(() => replay.cancel('run-alice', { owner: owner as string })).toThrow(
        expect.objectContaining({ code: 'invalid-argument', argument: 'owner' }),
      );
    }
  });

  it('has one check for every door: the same owner only, and an unknown run refused alike', () => {
    expect(isRunOwner('alice', 'alice')).toBe(true);
    expect(isRunOwner(undefined, undefined)).toBe(true);
    expect(isRunOwner('alice', 'bob')).toBe(false);
    expect(isRunOwner('alice', undefined)).toBe(false);
    expect(isRunOwner(undefined, 'alice')).toBe(false);
    const refusal = (exists: boolean, owner: string) => {
      try {
        checkRunOwner({ runId: 'r1', door: 'approve', owner, caller: 'bob', exists });
      } catch (error) {
        return error as RunAccessDeniedError;
      }
      throw new Error('not refused');
    };
    const foreign = refusal(true, 'alice');
    const unknown = refusal(false, 'bob');
    expect(RunAccessDeniedError.isInstance(foreign)).toBe(true);
    expect(foreign.message).toBe(unknown.message);
    expect(JSON.stringify(foreign)).toBe(JSON.stringify(unknown));
    // The refusal never names whose run it is.
    expect(JSON.stringify(foreign)).not.toContain('alice');
    expect(() =>
      checkRunOwner({ runId: 'r1', door: 'approve', owner: 'bob', caller: 'bob' }),
    ).not.toThrow();
  });
});
