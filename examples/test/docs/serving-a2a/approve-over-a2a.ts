import { type Message, Role, type Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { createAgent, defineTool, type Gemini } from '@gemloop/core';
import { createApprovalBroker } from '@gemloop/core/web';
import { createA2AHandler } from '@gemloop/serve/a2a';
import { z } from 'zod';
import { ownerOfKey } from '../serving-openai/support-handler.ts';

// docs/serving-a2a.md: a refund waits for approval as the task's input-required, and the A2A
// client's next message on the task approves it.

const refundOrder = defineTool({
  name: 'refund_order',
  description: 'Refunds an order, by its id.',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => ({ order, refunded: true }),
});

export function createRefundA2AHandler(options: {
  gemini: Gemini;
  model: string;
  keys: Record<string, string>;
}) {
  const { gemini, model, keys } = options;
  // Refunds wait for a person: the task asks its client.
  const approvals = createApprovalBroker({
    needsApproval: ({ toolName }) => toolName === 'refund_order',
  });
  const agent = createAgent({
    gemini,
    model,
    instructions: 'You refund orders when asked.',
    tools: [refundOrder],
    beforeToolCall: approvals.beforeToolCall,
  });
  const handler = createA2AHandler({
    agent,
    card: { name: 'Refunds', description: 'Refunds orders, with a person’s approval.' },
    authorize: ownerOfKey(keys),
    approvals,
  });
  return { agent, handler };
}

/** A user message of text, on `taskId` when it answers that task. */
function textMessage(text: string, taskId = '', contextId = ''): Message {
  return {
    messageId: crypto.randomUUID(),
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: text }, metadata: {}, filename: '', mediaType: '' }],
    contextId,
    taskId,
    metadata: {},
    extensions: [],
    referenceTaskIds: [],
  };
}

export async function refundOverA2A(baseUrl: string, key: string) {
  const fetchWithKey: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${key}`);
    return fetch(input, { ...init, headers });
  };
  const client = await new ClientFactory({
    transports: [new JsonRpcTransportFactory({ fetchImpl: fetchWithKey })],
  }).createFromUrl(baseUrl);
  const send = async (message: Message) =>
    (await client.sendMessage({
      message,
      configuration: undefined,
      metadata: {},
      tenant: '',
    })) as Task;
  const textOf = (message: Message | undefined) =>
    message?.parts
      .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
      .join('');

  const asked = await send(textMessage('Refund order A-7.'));
  // TASK_STATE_INPUT_REQUIRED: the status message asks; the next message on the task answers.
  const question =
    asked.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED ? textOf(asked.status.message) : '';
  const done = await send(textMessage('approve', asked.id, asked.contextId));
  const answer = done.artifacts
    .flatMap((artifact) => artifact.parts)
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('');
  return { question, answer };
}
