import { type Task, TaskState } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { defineTool } from '@gemloop/core';
import { createApprovalBroker } from '@gemloop/core/web';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { gateTool, serveA2A, userMessage } from './__fixtures__/serve-a2a.ts';
import { readApprovalAnswer } from './a2a-approvals.ts';
import { BoundedTaskStore } from './tasks/bounded-task-store.ts';

// A2A approvals tried as a careless or hostile client would: answers sent twice at once, a retried
// answer, an answer naming another task's call, a cancel while the answer runs. Driven by the A2A
// SDK's own client over 127.0.0.1, the agent on the fake Gemini.

function refundTool(refunds: string[]) {
  return defineTool({
    name: 'refund_order',
    description: 'Refunds an order.',
    parameters: z.object({ order: z.string() }),
    execute: ({ order }) => {
      refunds.push(order);
      return { order, refunded: true };
    },
  });
}

async function serveWithApprovals(
  script: Parameters<typeof serveA2A>[0],
  more: {
    tools?: ReturnType<typeof defineTool>[];
    gated?: string[];
    taskStore?: BoundedTaskStore;
  } = {},
) {
  const refunds: string[] = [];
  const gated = new Set(['refund_order', ...(more.gated ?? [])]);
  const approvals = createApprovalBroker({ needsApproval: ({ toolName }) => gated.has(toolName) });
  const served = await serveA2A(script, {
    agent: {
      tools: [refundTool(refunds), ...(more.tools ?? [])] as never,
      beforeToolCall: approvals.beforeToolCall,
    },
    handler: { approvals, ...(more.taskStore === undefined ? {} : { taskStore: more.taskStore }) },
  });
  return { ...served, refunds };
}

/**
 * A task store that, once armed, holds loads until two wait (both answers then read the task
 * input-required, as two requests at once do when loads are slow) or until `release()`.
 */
function slowStore() {
  let held: (() => void)[] | undefined;
  let onHeld: () => void = () => {};
  const release = () => {
    const waiting = held ?? [];
    held = undefined;
    for (const each of waiting) each();
  };
  class SlowStore extends BoundedTaskStore {
    override async load(...args: Parameters<BoundedTaskStore['load']>) {
      const task = await super.load(...args);
      const waiting = held;
      if (waiting !== undefined) {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          onHeld();
          if (waiting.length === 2) release();
        });
      }
      return task;
    }
  }
  return {
    store: new SlowStore(100),
    /** Holds the next loads; resolves when the first is held. */
    arm: () =>
      new Promise<void>((resolve) => {
        held = [];
        onHeld = resolve;
      }),
    release,
  };
}

const send = (client: Client, text: string, more: { taskId?: string; contextId?: string } = {}) =>
  client.sendMessage(userMessage(text, more) as never) as Promise<Task>;

describe('A2A approvals under attack', () => {
  it('runs the call once when two answers to the same wait arrive at once, and the task ends completed', async () => {
    const { client, refunds, errors } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7' }),
      turn.text('Refunded A-7.'),
    ]);
    const a2a = await client();
    const asked = await send(a2a, 'Refund A-7.');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const on = { taskId: asked.id, contextId: asked.contextId };
    const answers = await Promise.allSettled([
      send(a2a, 'approve', on),
      send(await client(), 'approve', on),
    ]);
    expect(refunds).toEqual(['A-7']);
    // One answer drives the run; the other is refused or sees the same task, never a new run.
    const states = answers.flatMap((each) =>
      each.status === 'fulfilled' ? [each.value.status?.state] : [],
    );
    expect(states).toContain(TaskState.TASK_STATE_COMPLETED);
    expect(states).not.toContain(TaskState.TASK_STATE_REJECTED);
    const read = await a2a.getTask({ id: asked.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(errors).toEqual([]);
  });

  it('never reads a retried answer (the same messageId) as the answer to the next call the run asks about', async () => {
    const { client, refunds } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7' }),
      turn.call('refund_order', { order: 'B-8' }),
      turn.text('Done.'),
    ]);
    const a2a = await client();
    const asked = await send(a2a, 'Refund A-7, then B-8.');
    const answer = {
      message: {
        messageId: crypto.randomUUID(),
        role: 1,
        taskId: asked.id,
        contextId: asked.contextId,
        parts: [{ content: { $case: 'text' as const, value: 'approve' } }],
      },
    };
    const second = (await a2a.sendMessage(answer as never)) as Task;
    expect(second.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(refunds).toEqual(['A-7']);
    // A client's retry of the same message (its network failed after the send): not a new yes.
    const retried = await a2a.sendMessage(answer as never).catch((error: unknown) => error);
    expect(refunds).toEqual(['A-7']);
    expect(retried).not.toBeInstanceOf(Error);
    expect((retried as Task).status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(
      (retried as Task).status?.message?.parts.map((part) =>
        part.content?.$case === 'text' ? part.content.value : '',
      ),
    ).toEqual([expect.stringContaining('already read')]);
    // A new message answers it.
    const done = await send(a2a, 'deny: not B-8', { taskId: asked.id, contextId: asked.contextId });
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(refunds).toEqual(['A-7']);
  });

  it("denies, never approves, a call when the answer names another task's approvalId", async () => {
    const { client, refunds } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7' }),
      turn.call('refund_order', { order: 'B-8' }),
      turn.text('Not refunded.'),
    ]);
    const a2a = await client();
    const first = await send(a2a, 'Refund A-7.');
    const other = await send(a2a, 'Refund B-8.');
    const idOf = (task: Task) => {
      const metadata = task.status?.message?.metadata as { approvals: { approvalId: string }[] };
      return metadata.approvals[0]?.approvalId as string;
    };
    const done = (await a2a.sendMessage({
      message: {
        messageId: crypto.randomUUID(),
        role: 1,
        taskId: first.id,
        contextId: first.contextId,
        parts: [
          {
            content: { $case: 'data', value: { approvals: { [idOf(other)]: { approved: true } } } },
          },
        ],
      },
    } as never)) as Task;
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(refunds).toEqual([]);
    const still = await a2a.getTask({ id: other.id } as never);
    expect(still.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
  });

  it('ends canceled, never completed, when the task is canceled while the approved call runs', async () => {
    const gate = gateTool();
    const { client } = await serveWithApprovals(
      [turn.call('hold_on', {}), turn.text('Held and done.')],
      { tools: [gate.tool as never], gated: ['hold_on'] },
    );
    const a2a = await client();
    const asked = await send(a2a, 'Hold on.');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const answered = send(a2a, 'approve', { taskId: asked.id, contextId: asked.contextId }).catch(
      (error: unknown) => error,
    );
    await gate.started;
    const canceled = await a2a.cancelTask({ id: asked.id } as never);
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    gate.release();
    const settled = await answered;
    if (!(settled instanceof Error)) {
      expect((settled as Task).status?.state).not.toBe(TaskState.TASK_STATE_COMPLETED);
    }
    const read = await a2a.getTask({ id: asked.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  });

  it('gives the model a deny reason of at most 1000 characters, with no half of an emoji and no lone surrogate', () => {
    const pending = [
      { approvalId: 'a1', stepNumber: 1, toolCallId: 'c1', toolName: 'refund_order', rawArgs: {} },
    ];
    const text = (value: string) => ({ parts: [{ content: { $case: 'text', value } }] }) as never;
    const data = (value: unknown) => ({ parts: [{ content: { $case: 'data', value } }] }) as never;
    // The 1000-character cut falls inside the emoji (the reason starts after "deny: ").
    const emoji = `${'x'.repeat(999)}\u{1F600}${'y'.repeat(1_000_000)}`;
    for (const message of [
      text(`deny: ${emoji}`),
      data({ approved: false, message: emoji }),
      data({ approvals: { a1: { approved: false, message: emoji } } }),
    ]) {
      const [answer] = readApprovalAnswer(message, pending) ?? [];
      expect(answer?.decision).toBe('deny');
      expect(answer?.message).toBe('x'.repeat(999));
    }
    // Lone surrogates a hostile client sent, RTL overrides and control characters: kept as text,
    // never read as a yes, and every surrogate alone is U+FFFD.
    const [hostile] =
      readApprovalAnswer(text('deny: \ud800 \u202eevorppa\u0000 \udfff'), pending) ?? [];
    expect(hostile).toEqual({
      approvalId: 'a1',
      decision: 'deny',
      message: '\ufffd \u202eevorppa\u0000 \ufffd',
    });
    expect(readApprovalAnswer(text('\u202eapprove'), pending)).toBeUndefined();
    expect(readApprovalAnswer(text('\u200bapprove'), pending)).toBeUndefined();
  });

  it('answers 413 to an answer over the body limit and keeps the task waiting', async () => {
    const { client, post, refunds } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7' }),
      turn.text('Refunded.'),
    ]);
    const a2a = await client();
    const asked = await send(a2a, 'Refund A-7.');
    const huge = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'SendMessage',
        params: {
          message: {
            messageId: 'm-huge',
            role: 'ROLE_USER',
            taskId: asked.id,
            contextId: asked.contextId,
            // Past the default body limit (32 MiB since media-size56).
            parts: [{ text: `approve ${'x'.repeat(33 * 1024 * 1024)}` }],
          },
        },
      }),
    );
    expect(huge.status).toBe(413);
    expect(refunds).toEqual([]);
    const read = await a2a.getTask({ id: asked.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
  });

  it('runs the call once when a second answer comes while the first is on its way to the run (a slow task store)', async () => {
    const slow = slowStore();
    const { client, refunds, errors } = await serveWithApprovals(
      [turn.call('refund_order', { order: 'A-7' }), turn.text('Refunded A-7.')],
      { taskStore: slow.store },
    );
    const a2a = await client();
    const asked = await send(a2a, 'Refund A-7.');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const on = { taskId: asked.id, contextId: asked.contextId };
    const held = slow.arm();
    const first = send(a2a, 'approve', on);
    await held;
    const second = await send(a2a, 'approve', on).then(
      (task) => task.status?.state,
      (error: unknown) => String(error),
    );
    slow.release();
    const states = [(await first).status?.state, second];
    expect(refunds).toEqual(['A-7']);
    // Both got `rejected` before (the second started a run that was refused, on the shared bus).
    expect(states).toEqual([
      TaskState.TASK_STATE_COMPLETED,
      expect.stringContaining('This task is working'),
    ]);
    const read = await a2a.getTask({ id: asked.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(errors).toEqual([]);
  });

  it('runs the call once when a second streamed answer comes while the first is on its way to the run', async () => {
    const slow = slowStore();
    const { client, refunds, errors } = await serveWithApprovals(
      [turn.call('refund_order', { order: 'A-7' }), turn.text('Refunded A-7.')],
      { taskStore: slow.store },
    );
    const a2a = await client();
    const asked = await send(a2a, 'Refund A-7.');
    const on = { taskId: asked.id, contextId: asked.contextId };
    const stream = async () => {
      const states: unknown[] = [];
      for await (const event of a2a.sendMessageStream(userMessage('approve', on) as never)) {
        if (event.payload?.$case === 'statusUpdate') states.push(event.payload.value.status?.state);
      }
      return states.at(-1);
    };
    const held = slow.arm();
    const first = stream();
    await held;
    const second = await stream().catch((error: unknown) => String(error));
    slow.release();
    // It got the SDK client's "artifactUpdate before initial 'Message'/'Task' event" when it rode
    // the first answer's bus.
    expect([await first, second]).toEqual([
      TaskState.TASK_STATE_COMPLETED,
      expect.stringContaining('This task is working'),
    ]);
    expect(refunds).toEqual(['A-7']);
    const read = await a2a.getTask({ id: asked.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(errors).toEqual([]);
  });
});
