import { type Task, TaskState } from '@a2a-js/sdk';
import { defineTool } from '@gemloop/core';
import { createApprovalBroker } from '@gemloop/core/web';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveA2A, userMessage } from './__fixtures__/serve-a2a.ts';

// attack27: an approval's `input-required` status carries the call it asks about (its id and its
// redacted arguments) in its metadata, and both are the model's words. A call with a 3 MB argument
// and a 3 MB id made one status event past the A2A SDK client's 4 MiB line limit ("SSE line
// exceeded the maximum allowed size"): the client's stream failed and the question never reached
// it. The metadata now holds the arguments up to 100,000 characters of JSON (else `argsOmitted`)
// and an id of at most 256 characters (cut with a hash of the whole), as the browser protocol does.

type Shown = { approvalId: string; toolCallId: string; args?: unknown; argsOmitted?: true };

describe('an A2A approval of a call with huge arguments and id (attack27)', () => {
  it('reaches a streaming client bounded, and the answer runs the call', async () => {
    const refunds: string[] = [];
    const approvals = createApprovalBroker();
    const refund = defineTool({
      name: 'refund_order',
      parameters: z.object({ order: z.string() }),
      execute: ({ order }) => {
        refunds.push(order.slice(0, 1));
        return { refunded: true };
      },
    });
    const { client } = await serveA2A(
      [
        turn.parts([
          {
            functionCall: {
              id: 'i'.repeat(3_000_000),
              name: 'refund_order',
              args: { order: 'y'.repeat(3_000_000) },
            },
          },
        ]),
        turn.text('Refunded.'),
      ],
      {
        agent: { tools: [refund] as never, beforeToolCall: approvals.beforeToolCall },
        handler: { approvals },
      },
    );
    const a2a = await client();
    let asked: Shown[] | undefined;
    let task: { taskId: string; contextId: string } | undefined;
    for await (const event of a2a.sendMessageStream(userMessage('Refund it.') as never)) {
      const { payload } = event as {
        payload?: {
          $case: string;
          value: {
            taskId?: string;
            contextId?: string;
            status?: { state?: number; message?: { metadata?: { approvals?: Shown[] } } };
          };
        };
      };
      const update = payload?.$case === 'statusUpdate' ? payload.value : undefined;
      if (update?.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED) {
        asked = update.status.message?.metadata?.approvals;
        task = { taskId: update.taskId as string, contextId: update.contextId as string };
      }
    }
    expect(asked).toHaveLength(1);
    const [shown] = asked as Shown[];
    expect(shown?.toolCallId.length).toBeLessThanOrEqual(256);
    expect(shown?.args).toBeUndefined();
    expect(shown?.argsOmitted).toBe(true);
    const answered = (await a2a.sendMessage(userMessage('approve', task) as never)) as Task;
    expect(answered.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(refunds).toEqual(['y']);
  });
});
