import { type StreamResponse, TaskState } from '@a2a-js/sdk';
import { defineTool } from '@gemloop/core';
import { createApprovalBroker } from '@gemloop/core/web';
import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { refundBehindApproval } from '../door/__fixtures__/refund-behind-approval.ts';
import { listenNodeForTest } from '../door/__fixtures__/serve-door.ts';
import { authorizeByKey, KEYS } from '../openai/__fixtures__/serve-openai.ts';
import { serveA2A, userMessage } from './__fixtures__/serve-a2a.ts';
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

// leftovers65: the task's subscribers were not told. `SubscribeToTask` (the SDK's
// `resubscribeTask`) on the waiting task read its task and then nothing: the `failed` status was
// only saved, the subscriber's stream stayed open for ever, and a push notification webhook heard
// nothing. Through the SDK's own client (and a raw v0.3 `tasks/resubscribe`) over 127.0.0.1, on
// fake time.
describe('the subscribers of an A2A task whose approval expired', () => {
  it('are pushed the failed status, their streams end, and the webhook gets it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: true });
    const hooked: string[] = [];
    const webhook = await listenNodeForTest((request, response) => {
      let text = '';
      request.on('data', (chunk) => {
        text += chunk;
      });
      request.on('end', () => {
        hooked.push(text);
        response.end();
      });
    });
    const refund = defineTool({
      name: 'refund',
      description: 'Refunds an order.',
      parameters: z.object({ order: z.string() }),
      execute: async ({ order }) => ({ refunded: order }),
    });
    const approvals = createApprovalBroker();
    const { client, post, fake, errors } = await serveA2A(
      [turn.call('refund', { order: 'A-7' }), turn.text('I could not refund it.')],
      {
        agent: { tools: [refund], beforeToolCall: approvals.beforeToolCall } as never,
        handler: { approvals, pushNotifications: { allowPrivateNetwork: true } },
      },
    );
    const a2a = await client();
    // The sending stream ends at `input-required`, as the SDK ends it for every client.
    const sent = await collect(a2a.sendMessageStream(userMessage('Refund A-7.') as never));
    expect(stateOf(sent.at(-1))).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const first = sent[0]?.payload;
    if (first?.$case !== 'task') throw new Error('the stream starts with the task');
    const taskId = first.value.id;
    await a2a.createTaskPushNotificationConfig({
      taskId,
      url: `${webhook}/hook`,
      token: 'hook-1',
    } as never);
    // Two subscribers, each reading the task first (then they listen on its bus).
    const subscribers = [
      a2a.resubscribeTask({ id: taskId } as never),
      a2a.resubscribeTask({ id: taskId } as never),
    ];
    for (const each of subscribers) {
      expect((await each.next()).value?.payload?.$case).toBe('task');
    }
    const rests = subscribers.map((each) => collect({ [Symbol.asyncIterator]: () => each }));
    // And a v0.3 client's `tasks/resubscribe`, read raw: its first frame is the task.
    const legacy = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tasks/resubscribe',
        params: { id: taskId },
      }),
      { 'a2a-version': '0.3' },
    );
    const reader = legacy.body?.getReader();
    if (reader === undefined) throw new Error('an event stream');
    const decoder = new TextDecoder();
    let legacyText = decoder.decode((await reader.read()).value, { stream: true });
    expect(legacyText).toContain('"kind":"task"');

    await vi.advanceTimersByTimeAsync(15 * 60_000);
    for (const rest of rests) {
      // The stream ends (the collect returns) with the one status the task ended with.
      const events = await rest;
      expect(events).toHaveLength(1);
      const update = events[0]?.payload;
      if (update?.$case !== 'statusUpdate') throw new Error('a status-update');
      expect(update.value.status?.state).toBe(TaskState.TASK_STATE_FAILED);
      expect(update.value.status?.message?.metadata).toEqual({ code: 'approval_timeout' });
    }
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      legacyText += decoder.decode(value, { stream: true });
    }
    const frames = legacyText
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => JSON.parse(line.slice(5)) as { result: Record<string, unknown> });
    // v0.3's words: a `status-update` with `final: true`, then the stream ends.
    expect(frames.at(-1)?.result).toMatchObject({
      kind: 'status-update',
      final: true,
      status: { state: 'failed', message: { metadata: { code: 'approval_timeout' } } },
    });
    for (let tries = 0; !hooked.some((body) => body.includes('TASK_STATE_FAILED')); tries++) {
      if (tries > 1000) throw new Error('the webhook was never told');
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(hooked.find((body) => body.includes('TASK_STATE_FAILED'))).toContain('approval_timeout');
    expect((await a2a.getTask({ id: taskId } as never)).status?.state).toBe(
      TaskState.TASK_STATE_FAILED,
    );
    // The bus was let go: the ended task cannot be subscribed to again.
    await expect(collect(a2a.resubscribeTask({ id: taskId } as never))).rejects.toThrow(
      'terminal state',
    );
    expect(fake.requests).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});

/** Every event of a stream, until it ends. */
async function collect(stream: AsyncIterable<StreamResponse>): Promise<StreamResponse[]> {
  const events: StreamResponse[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const stateOf = (event: StreamResponse | undefined) =>
  event?.payload?.$case === 'statusUpdate' ? event.payload.value.status?.state : undefined;
