import { type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { createApprovalBroker } from '@gemloop/core/web';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveA2A, userMessage } from './__fixtures__/serve-a2a.ts';
import { readApprovalAnswer } from './a2a-approvals.ts';
import { createA2AHandler } from './create-a2a-handler.ts';

// A call that needs approval makes its A2A task `input-required` (A2A 1.3's TaskState for a task
// that waits for its client); the client's next message on the task answers, and the same run
// goes on. Driven by the A2A SDK's own client over 127.0.0.1, the agent on the fake Gemini.

function refundTool(refunds: string[]) {
  return defineTool({
    name: 'refund_order',
    description: 'Refunds an order.',
    parameters: z.object({ order: z.string(), token: z.string() }),
    secretArguments: ['token'],
    execute: ({ order }) => {
      refunds.push(order);
      return { order, refunded: true };
    },
  });
}

async function serveWithApprovals(script: Parameters<typeof serveA2A>[0]) {
  const refunds: string[] = [];
  const approvals = createApprovalBroker({
    needsApproval: ({ toolName }) => toolName === 'refund_order',
  });
  const served = await serveA2A(script, {
    agent: { tools: [refundTool(refunds)], beforeToolCall: approvals.beforeToolCall },
    handler: { approvals },
  });
  return { ...served, refunds };
}

const send = (client: Client, text: string, more: { taskId?: string; contextId?: string } = {}) =>
  client.sendMessage(userMessage(text, more) as never) as Promise<Task>;
const textOf = (task: Task) =>
  task.status?.message?.parts
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('') ?? '';
const answerOf = (task: Task) =>
  task.artifacts
    .flatMap((artifact) => artifact.parts)
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('');

describe('A2A approvals as input-required', () => {
  it('makes the task input-required with a question; "approve" on the task runs the call and the task completes', async () => {
    const { client, refunds, fake } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7', token: 'secret-token-123' }),
      turn.text('Order A-7 is refunded.'),
    ]);
    const a2a = await client();
    const asked = await send(a2a, 'Refund A-7.');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(textOf(asked)).toContain('Approve the call of refund_order?');
    const metadata = asked.status?.message?.metadata as {
      approvals: { approvalId: string; toolName: string; args: Record<string, unknown> }[];
    };
    expect(metadata.approvals).toEqual([
      expect.objectContaining({
        toolName: 'refund_order',
        args: { order: 'A-7', token: '[redacted]' },
      }),
    ]);
    expect(JSON.stringify(asked)).not.toContain('secret-token-123');
    expect(refunds).toEqual([]);
    // GetTask shows the same wait.
    const read = await a2a.getTask({ id: asked.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);

    const done = await send(a2a, 'approve', { taskId: asked.id, contextId: asked.contextId });
    expect(done.id).toBe(asked.id);
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(done)).toBe('Order A-7 is refunded.');
    expect(refunds).toEqual(['A-7']);
    // One run: the model got the call's result, then answered (two model calls in all).
    expect(fake.requests).toHaveLength(2);
  });

  it('denies with the reason the client gives (the model reads it), and the run goes on to its answer', async () => {
    const { client, refunds, fake } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7', token: 't' }),
      turn.text('I did not refund A-7.'),
    ]);
    const a2a = await client();
    const asked = await send(a2a, 'Refund A-7.');
    const done = await send(a2a, 'deny: the order was already refunded', {
      taskId: asked.id,
      contextId: asked.contextId,
    });
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(refunds).toEqual([]);
    expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain('the order was already refunded');
  });

  it('asks again when the answer is neither approve nor deny, and takes a data part answer by id', async () => {
    const { client, refunds } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7', token: 't' }),
      turn.text('Refunded.'),
    ]);
    const a2a = await client();
    const asked = await send(a2a, 'Refund A-7.');
    const again = await send(a2a, 'maybe later?', { taskId: asked.id, contextId: asked.contextId });
    expect(again.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(textOf(again)).toContain('neither "approve" nor "deny"');
    expect(refunds).toEqual([]);
    const metadata = again.status?.message?.metadata as { approvals: { approvalId: string }[] };
    const approvalId = metadata.approvals[0]?.approvalId as string;
    const done = (await a2a.sendMessage({
      message: {
        messageId: crypto.randomUUID(),
        role: 1,
        taskId: asked.id,
        contextId: asked.contextId,
        parts: [
          {
            content: { $case: 'data', value: { approvals: { [approvalId]: { approved: true } } } },
          },
        ],
      },
    } as never)) as Task;
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(refunds).toEqual(['A-7']);
  });

  it('streams the wait and the rest: input-required ends the first stream, the answer streams the same run to completed', async () => {
    const { client, refunds } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7', token: 't' }),
      turn.text('Refunded A-7.'),
    ]);
    const a2a = await client();
    const first: StreamResponse[] = [];
    for await (const event of a2a.sendMessageStream(userMessage('Refund A-7.') as never)) {
      first.push(event);
    }
    const last = first.at(-1)?.payload;
    expect(last?.$case).toBe('statusUpdate');
    const status = last?.$case === 'statusUpdate' ? last.value : undefined;
    expect(status?.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const taskId = status?.taskId as string;
    const second: StreamResponse[] = [];
    for await (const event of a2a.sendMessageStream(
      userMessage('yes', { taskId, contextId: status?.contextId as string }) as never,
    )) {
      second.push(event);
    }
    const states = second.flatMap((event) =>
      event.payload?.$case === 'statusUpdate' ? [event.payload.value.status?.state] : [],
    );
    expect(states).toEqual([TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]);
    expect(refunds).toEqual(['A-7']);
  });

  it('cancels a task that waits for input: the call never runs and the task ends canceled', async () => {
    const { client, refunds } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7', token: 't' }),
      turn.text('Never.'),
    ]);
    const a2a = await client();
    const asked = await send(a2a, 'Refund A-7.');
    const canceled = await a2a.cancelTask({ id: asked.id } as never);
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(refunds).toEqual([]);
    // An answer after the cancel changes nothing: the task has ended.
    await expect(
      send(a2a, 'approve', { taskId: asked.id, contextId: asked.contextId }),
    ).rejects.toThrow();
    expect(refunds).toEqual([]);
  });

  it("keeps another caller from answering a task's approval", async () => {
    const { client, refunds } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7', token: 't' }),
      turn.text('Refunded.'),
    ]);
    const asked = await send(await client('alice'), 'Refund A-7.');
    await expect(
      send(await client('bob'), 'approve', { taskId: asked.id, contextId: asked.contextId }),
    ).rejects.toThrow();
    expect(refunds).toEqual([]);
  });

  it("asks for a subagent's call too: it waits on the same broker, and the answer runs it", async () => {
    const refunds: string[] = [];
    const approvals = createApprovalBroker({
      needsApproval: ({ toolName }) => toolName === 'refund_order',
    });
    const childFake = createFakeGemini({
      script: [turn.call('refund_order', { order: 'A-7', token: 't' }), turn.text('Refunded.')],
    });
    const child = createAgent({
      gemini: createGemini({ apiKey: 'k', retry: false, fetch: childFake.fetch }),
      model: 'gemini-2.5-flash',
      tools: [refundTool(refunds)],
    });
    const { client } = await serveA2A(
      [turn.call('billing', { task: 'Refund A-7.' }), turn.text('Billing refunded A-7.')],
      {
        agent: {
          tools: [subagent(child, { name: 'billing', description: 'Refunds orders.' })],
          beforeToolCall: approvals.beforeToolCall,
        },
        handler: { approvals },
      },
    );
    const a2a = await client();
    const asked = await send(a2a, 'Refund A-7.');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(textOf(asked)).toContain('refund_order');
    const done = await send(a2a, 'approve', { taskId: asked.id, contextId: asked.contextId });
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(done)).toBe('Billing refunded A-7.');
    expect(refunds).toEqual(['A-7']);
  });

  it('never reads a hostile or unclear answer as an approval (a bounded fuzz)', () => {
    const pending = [
      { approvalId: 'a1', stepNumber: 1, toolCallId: 'c1', toolName: 'refund_order', rawArgs: {} },
      { approvalId: 'a2', stepNumber: 1, toolCallId: 'c2', toolName: 'refund_order', rawArgs: {} },
    ];
    const message = (...parts: unknown[]) =>
      ({ parts: parts.map((content) => ({ content })) }) as never;
    const text = (value: string) => ({ $case: 'text', value });
    const data = (value: unknown) => ({ $case: 'data', value });
    const unclear = [
      text('maybe'),
      text(''),
      text('approvers only'),
      text('x'.repeat(100_000)),
      data(null),
      data([{ approved: true }]),
      data({ approved: 'true' }),
      data({ approvals: 'all' }),
      data(JSON.parse('{"__proto__":{"approved":true}}')),
    ];
    for (const content of unclear) {
      expect(readApprovalAnswer(message(content), pending)).toBeUndefined();
    }
    // By id: the one named yes runs; one left out, unknown, or not a yes in so many words is denied.
    expect(
      readApprovalAnswer(
        message(data({ approvals: { a1: { approved: true }, zz: { approved: true } } })),
        pending,
      ),
    ).toEqual([
      { approvalId: 'a1', decision: 'approve' },
      { approvalId: 'a2', decision: 'deny' },
    ]);
    expect(
      readApprovalAnswer(message(data({ approvals: { a1: { approved: 1 }, a2: 'yes' } })), pending),
    ).toEqual([
      { approvalId: 'a1', decision: 'deny' },
      { approvalId: 'a2', decision: 'deny' },
    ]);
    // A reason is kept, bounded.
    const [denied] =
      readApprovalAnswer(message(text(`deny: ${'why '.repeat(1000)}`)), pending) ?? [];
    expect(denied?.decision).toBe('deny');
    expect(denied?.message?.length).toBeLessThanOrEqual(1000);
    expect(readApprovalAnswer(message(text('  Approve.')), pending)?.[1]).toEqual({
      approvalId: 'a2',
      decision: 'approve',
    });
  });

  it('refuses approvals with durable runs, naming the option', () => {
    expect(() =>
      createA2AHandler({
        durable: {
          runs: {
            start: () => undefined,
            events: () => undefined,
            status: () => undefined,
            result: () => undefined,
            cancel: () => undefined,
          },
          agent: 'support',
        } as never,
        card: { name: 'Support', description: 'Answers.' },
        authorize: () => 'alice',
        approvals: createApprovalBroker(),
      }),
    ).toThrow(InvalidArgumentError);
  });
});
