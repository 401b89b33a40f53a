import { type AgentCard, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent as A2AEvent,
  type AgentExecutor,
  DefaultRequestHandler,
  InMemoryTaskStore,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import { type AgentEvent, defineTool } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { createApprovalBroker } from '@gemloop/core/web';
import { turn } from '@gemloop/testing';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contentsOf, waitTool } from '../../__fixtures__/order-fixtures.ts';
import { agentOnFake, listenNodeForTest } from '../../door/__fixtures__/serve-door.ts';
import { bareToolContext, serveA2A, TOKENS } from '../__fixtures__/serve-a2a.ts';
import { textOf, textPart } from '../task-parts.ts';
import { a2aAgent } from './a2a-agent.ts';

// A remote A2A agent as a tool of a gemloop agent: against gemloop's own A2A door (streamed)
// and against the A2A SDK's own express server (unary), the parent agent on the fake Gemini.

const support = (url: string, token: string = TOKENS.alice) =>
  a2aAgent({
    url,
    name: 'support',
    description: 'Answers questions about orders.',
    headers: { authorization: `Bearer ${token}` },
  });

async function streamed(stream: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The A2A SDK's own JSON-RPC server on express, with an executor that echoes the message. */
async function sdkServer() {
  let onSlow: (taskId: string) => void = () => {};
  let onCancel: (taskId: string) => void = () => {};
  const slow = new Promise<string>((resolve) => {
    onSlow = resolve;
  });
  const canceled = new Promise<string>((resolve) => {
    onCancel = resolve;
  });
  const executor: AgentExecutor = {
    async execute(request, bus) {
      const { taskId, contextId } = request;
      if ((textOf(request.userMessage) ?? '') === 'slow') {
        // Works until canceled (cancelTask below ends it).
        bus.publish(
          A2AEvent.task({
            id: taskId,
            contextId,
            status: {
              state: TaskState.TASK_STATE_WORKING,
              message: undefined,
              timestamp: undefined,
            },
            artifacts: [],
            history: [request.userMessage],
            metadata: {},
          }),
        );
        onSlow(taskId);
        await canceled;
        return;
      }
      bus.publish(
        A2AEvent.task({
          id: taskId,
          contextId,
          status: { state: TaskState.TASK_STATE_WORKING, message: undefined, timestamp: undefined },
          artifacts: [],
          history: [request.userMessage],
          metadata: {},
        }),
      );
      const text = textOf(request.userMessage) ?? '';
      if (text.includes('fail')) {
        bus.publish(
          A2AEvent.statusUpdate({
            taskId,
            contextId,
            status: {
              state: TaskState.TASK_STATE_FAILED,
              message: {
                messageId: 'm',
                taskId,
                contextId,
                role: 2,
                parts: [textPart('Nothing to echo.')],
                metadata: {},
                extensions: [],
                referenceTaskIds: [],
              },
              timestamp: undefined,
            },
            metadata: {},
          }),
        );
        return;
      }
      bus.publish(
        A2AEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: {
            artifactId: 'echo',
            name: 'echo',
            description: '',
            parts: [textPart(`Echo: ${text}`)],
            metadata: {},
            extensions: [],
          },
          append: false,
          lastChunk: true,
          metadata: {},
        }),
      );
      bus.publish(
        A2AEvent.statusUpdate({
          taskId,
          contextId,
          status: {
            state: TaskState.TASK_STATE_COMPLETED,
            message: undefined,
            timestamp: undefined,
          },
          metadata: {},
        }),
      );
    },
    async cancelTask(taskId, bus) {
      bus.publish(
        A2AEvent.statusUpdate({
          taskId,
          contextId: '',
          status: {
            state: TaskState.TASK_STATE_CANCELED,
            message: undefined,
            timestamp: undefined,
          },
          metadata: {},
        }),
      );
      onCancel(taskId);
    },
  };
  const card: AgentCard = {
    name: 'Echo',
    description: 'Echoes.',
    version: '1.0.0',
    provider: undefined,
    supportedInterfaces: [
      { url: '', protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' },
    ],
    capabilities: { streaming: false, pushNotifications: false, extensions: [] },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [],
    signatures: [],
  };
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), executor);
  const app = express();
  app.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: handler }));
  app.use(
    '/rpc',
    jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }),
  );
  const origin = await listenNodeForTest(app);
  // The card names the port the server got (the handler reads the same object).
  (card.supportedInterfaces[0] as { url: string }).url = `${origin}/rpc`;
  return { origin, slow, canceled };
}

describe('a2aAgent', () => {
  it("calls a remote gemloop agent over A2A: its answer streams under the call's path", async () => {
    const remote = await serveA2A([turn.text('A-7 has shipped.')]);
    const parent = agentOnFake(
      [turn.call('support', { task: 'Where is A-7?' }), turn.text('Your order has shipped.')],
      { tools: [support(remote.origin)] },
    );
    const stream = parent.agent.stream('Where is my order A-7?');
    const events = await streamed(stream);
    const result = await stream.result;
    expect(result.text).toBe('Your order has shipped.');
    const nested = events.filter((event) => event.path.length > 0);
    expect(nested.length).toBeGreaterThan(0);
    expect(nested.every((event) => event.path.join('/') === 'support#1')).toBe(true);
    expect(nested.map((event) => (event.type === 'text-delta' ? event.text : '')).join('')).toBe(
      'A-7 has shipped.',
    );
    const toolResult = events.find((event) => event.type === 'tool-result');
    expect(toolResult?.type === 'tool-result' && toolResult.toolCall.output).toMatchObject({
      answer: 'A-7 has shipped.',
      contextId: expect.any(String),
    });
    // The remote agent got the task; the parent model got the answer; nobody saw the token.
    expect(contentsOf(remote.fake.requests[0]?.body)).toEqual(['user: Where is A-7?']);
    expect(JSON.stringify(parent.fake.requests.at(-1)?.body)).toContain('A-7 has shipped.');
    expect(JSON.stringify(events)).not.toContain(TOKENS.alice);
    expect(JSON.stringify(parent.fake.requests)).not.toContain(TOKENS.alice);
  });

  it('continues a remote conversation when the model passes the contextId back', async () => {
    const remote = await serveA2A([turn.text('A-7 has shipped.'), turn.text('On Friday.')]);
    const tool = support(remote.origin);
    const first = (await tool.execute({ task: 'Where is A-7?' }, bareToolContext())) as {
      contextId: string;
    };
    const second = await tool.execute(
      { task: 'When does it arrive?', contextId: first.contextId },
      bareToolContext(),
    );
    expect(second).toEqual({ answer: 'On Friday.', contextId: first.contextId });
    expect(contentsOf(remote.fake.requests.at(-1)?.body)).toEqual([
      'user: Where is A-7?',
      'model: A-7 has shipped.',
      'user: When does it arrive?',
    ]);
  });

  it('returns what a remote task that waits for input asks, and replies to it on the same task', async () => {
    const refunds: string[] = [];
    const approvals = createApprovalBroker({
      needsApproval: ({ toolName }) => toolName === 'refund_order',
    });
    const remote = await serveA2A(
      [turn.call('refund_order', { order: 'A-7' }), turn.text('A-7 is refunded.')],
      {
        agent: {
          tools: [
            defineTool({
              name: 'refund_order',
              description: 'Refunds an order.',
              parameters: z.object({ order: z.string() }),
              execute: ({ order }) => {
                refunds.push(order);
                return { refunded: true };
              },
            }),
          ],
          beforeToolCall: approvals.beforeToolCall,
        },
        handler: { approvals },
      },
    );
    const tool = support(remote.origin);
    const asked = (await tool.execute({ task: 'Refund A-7.' }, bareToolContext())) as {
      inputRequired: boolean;
      question: string;
      taskId: string;
      contextId: string;
    };
    expect(asked).toMatchObject({ inputRequired: true, taskId: expect.any(String) });
    expect(asked.question).toContain('Approve the call of refund_order?');
    expect(refunds).toEqual([]);
    const done = await tool.execute(
      { task: 'approve', taskId: asked.taskId, contextId: asked.contextId },
      bareToolContext(),
    );
    expect(done).toEqual({ answer: 'A-7 is refunded.', contextId: asked.contextId });
    expect(refunds).toEqual(['A-7']);
  });

  it("cancels the remote task when the parent's run is aborted", async () => {
    const wait = waitTool();
    const remote = await serveA2A([turn.call('wait_for_it', {}), turn.text('never')], {
      agent: { tools: [wait.tool] },
    });
    const parent = agentOnFake([turn.call('support', { task: 'Wait.' }), turn.text('never')], {
      tools: [support(remote.origin)],
    });
    const abort = new AbortController();
    const run = parent.agent.run('Wait for it.', { signal: abort.signal }).catch((error) => error);
    await wait.started;
    abort.abort();
    const signal = await wait.aborted;
    expect(signal.aborted).toBe(true);
    await run;
    const a2a = await remote.client('alice');
    await expect
      .poll(
        async () =>
          (await a2a.listTasks({ status: TaskState.TASK_STATE_UNSPECIFIED } as never)).tasks[0]
            ?.status?.state,
        { timeout: 60_000 },
      )
      .toBe(TaskState.TASK_STATE_CANCELED);
  });

  it("talks to the A2A SDK's own server, unary when its card does not stream", async () => {
    const { origin } = await sdkServer();
    const tool = a2aAgent({ url: origin, name: 'echo', description: 'Echoes.' });
    const answer = await tool.execute({ task: 'hello' }, bareToolContext());
    expect(answer).toMatchObject({ answer: 'Echo: hello', contextId: expect.any(String) });
    // A failed task is a failed call (a2a-agent-failure-outcome.test.ts): the tool throws, with
    // the remote status text in the words the model gets.
    const failed = await Promise.resolve(
      tool.execute({ task: 'please fail' }, bareToolContext()),
    ).catch((thrown: unknown) => thrown);
    expect((failed as Error).message).toBe(
      'The remote agent echo failed the task: Nothing to echo.',
    );
  });

  it("cancels a task of the SDK's own server that does not stream when the parent aborts", async () => {
    const { origin, slow, canceled } = await sdkServer();
    const tool = a2aAgent({ url: origin, name: 'echo', description: 'Echoes.' });
    const abort = new AbortController();
    const call = Promise.resolve(tool.execute({ task: 'slow' }, bareToolContext(abort.signal)));
    const outcome = call.then(
      () => 'answered',
      () => 'aborted',
    );
    const taskId = await slow;
    abort.abort();
    expect(await canceled).toBe(taskId);
    expect(await outcome).toBe('aborted');
  });

  it('is refused by a remote gemloop agent without valid credentials', async () => {
    const remote = await serveA2A([]);
    const tool = support(remote.origin, 'wrong-token');
    const error = await Promise.resolve(tool.execute({ task: 'Hi' }, bareToolContext())).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).not.toContain('wrong-token');
    expect(remote.fake.requests).toHaveLength(0);
  });

  it('refuses bad options, naming them', () => {
    for (const [options, argument] of [
      [{ url: 'nope', name: 'a', description: 'b' }, 'url'],
      [{ url: 'http://x', name: 'a', description: '' }, 'description'],
      [{ url: 'http://x', name: 'a', description: 'b', headers: 'x' }, 'headers'],
    ] as const) {
      let error: unknown;
      try {
        a2aAgent(options as never);
      } catch (thrown) {
        error = thrown;
      }
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe(argument);
    }
  });
});
