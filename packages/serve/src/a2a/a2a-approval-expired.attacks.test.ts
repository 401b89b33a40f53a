import { afterEach, describe, expect, it, vi } from 'vitest';
import { refundBehindApproval } from '../door/__fixtures__/refund-behind-approval.ts';
import { authorizeByKey, KEYS } from '../openai/__fixtures__/serve-openai.ts';
import { createA2AHandler } from './create-a2a-handler.ts';

// A task left `input-required` past the approval broker's timeout (15 minutes): its stream
// ended when it asked, so no client reads what the run does next. The run was denied the call
// and went on with one more model call, its answer for no one, the task `input-required` still.
// Now the run ends there, with no model call, and the task is `failed` with code
// `approval_timeout`. On fake time, the handler called in process (JSON-RPC, A2A 1.0).

afterEach(() => {
  vi.useRealTimers();
});

const rpc = (id: number, method: string, params: unknown) =>
  new Request('http://127.0.0.1/', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${KEYS.alice}`,
      'content-type': 'application/json',
      'a2a-version': '1.0',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
  });

describe('an A2A approval left unanswered past its timeout', () => {
  it('ends the task failed (approval_timeout) without a model call', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: true });
    const { agent, fake, errors, onError, approvals, refunded } = refundBehindApproval();
    const handler = createA2AHandler({
      agent,
      card: { name: 'Support', description: 'Refunds.' },
      authorize: authorizeByKey,
      approvals,
      onError,
    });
    const message = { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'Refund A-7.' }] };
    const sent = await (await handler(rpc(1, 'SendMessage', { message }))).json();
    const task = sent.result.task as { id: string; status: { state: string } };
    expect(task.status.state).toBe('TASK_STATE_INPUT_REQUIRED');
    expect(fake.requests).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(15 * 60_000);
    const read = async () =>
      (await (await handler(rpc(2, 'GetTask', { id: task.id }))).json()).result as {
        status: { state: string; message?: { parts: { text?: string }[]; metadata?: unknown } };
      };
    let now = await read();
    for (let tries = 0; now.status.state !== 'TASK_STATE_FAILED' && tries < 100; tries++) {
      await vi.advanceTimersByTimeAsync(10);
      now = await read();
    }
    expect(now.status.state).toBe('TASK_STATE_FAILED');
    expect(now.status.message?.metadata).toEqual({ code: 'approval_timeout' });
    expect(now.status.message?.parts[0]?.text).toContain('No answer came in time');
    // No model call to tell the model of a denial nobody would read; the call never ran.
    expect(fake.requests).toHaveLength(1);
    expect(refunded).toEqual([]);
    expect(errors).toEqual([]);
    // An answer now is too late: the task has ended.
    const late = await (
      await handler(
        rpc(3, 'SendMessage', {
          message: { ...message, messageId: 'm2', taskId: task.id, parts: [{ text: 'approve' }] },
        }),
      )
    ).json();
    expect(late.error).toBeDefined();
    expect(fake.requests).toHaveLength(1);
  });
});
