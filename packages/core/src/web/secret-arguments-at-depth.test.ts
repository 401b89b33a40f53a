import { createFakeGemini, routeByAgent, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { handoff } from '../composition/handoff.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { createApprovalBroker } from './approval-broker.ts';
import { toDurableEventStreamResponse } from './to-durable-event-stream-response.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// Issue 52, item 1: a tool with `secretArguments` that a subagent (or an agent the run was
// handed to) calls is redacted on every page surface, whatever agent's tools the surface knows:
// the redaction is made with the `tool-call` event, by the agent whose tool it is.

const PASSWORD = 'hunter2-child-secret';
const MODEL = 'gemini-3-flash-preview';

const login = defineTool({
  name: 'login',
  description: 'Logs in.',
  parameters: z.object({ user: z.string(), password: z.string() }),
  secretArguments: ['password'],
  execute: () => ({ ok: true }),
});

function setup() {
  const fake = createFakeGemini({
    script: routeByAgent([
      {
        match: 'You coordinate',
        script: [turn.call('helper', { task: 'Log ada in' }), turn.text('Done.')],
      },
      {
        match: 'You log in',
        script: [turn.call('login', { user: 'ada', password: PASSWORD }), turn.text('In.')],
      },
    ]),
  });
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  const child = createAgent({ gemini, model: MODEL, instructions: 'You log in.', tools: [login] });
  return { gemini, child };
}

/** The parent's tools hold no secret argument: only the child's tool does. */
function parentOf(
  setupValue: ReturnType<typeof setup>,
  extra: Partial<Parameters<typeof createAgent>[0]> = {},
) {
  return createAgent({
    gemini: setupValue.gemini,
    model: MODEL,
    instructions: 'You coordinate.',
    tools: [subagent(setupValue.child, { name: 'helper', description: 'Logs in.' })],
    ...extra,
  });
}

describe('secret arguments of a tool a subagent calls', () => {
  it('are redacted in the tool-call event of the in-process browser stream', async () => {
    const parent = parentOf(setup());
    const text = await readBody(
      toEventStreamResponse(parent.stream('Log ada in')).body as ReadableStream<Uint8Array>,
    );
    expect(text).not.toContain(PASSWORD);
    const call = parseSse(text).events.find(
      (event) => event.event === 'tool-call' && event.data.toolName === 'login',
    );
    expect(call?.data).toMatchObject({
      path: ['helper#1'],
      args: { user: 'ada', password: '[redacted]' },
    });
  });

  it('are redacted in a chat send streamed to a page', async () => {
    const chat = createChatSession({ agent: parentOf(setup()), id: 'c' });
    const text = await readBody(
      toEventStreamResponse(chat.sendStream('Log ada in')).body as ReadableStream<Uint8Array>,
    );
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain('[redacted]');
  });

  it('are redacted in approval-pending, which names the subagent that asks', async () => {
    const broker = createApprovalBroker({
      needsApproval: ({ toolName }) => toolName === 'login',
    });
    const parent = parentOf(setup(), { beforeToolCall: broker.beforeToolCall });
    const body = toEventStreamResponse(parent.stream('Log ada in'), { approvals: broker })
      .body as ReadableStream<Uint8Array>;
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const pending = parseSse(text).events.find((event) => event.event === 'approval-pending');
      if (pending !== undefined) {
        expect(pending.data).toMatchObject({
          toolName: 'login',
          path: ['helper#1'],
          args: { user: 'ada', password: '[redacted]' },
        });
        broker.answer({ approvalId: pending.data.approvalId, decision: 'approve' });
        break;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`ended before approval-pending:\n${text}`);
      text += decoder.decode(value, { stream: true });
    }
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).not.toContain(PASSWORD);
    expect(parseSse(text).events.at(-1)?.data.outcome).toBe('completed');
  });

  it("are redacted in a durable run's stored events served with the top agent's tools", async () => {
    const setupValue = setup();
    const parent = parentOf(setupValue);
    const stream = parent.stream('Log ada in');
    // What a durable run stores: the events as JSON (no object is shared with the run).
    const stored: AgentEvent<unknown>[] = [];
    for await (const event of stream) stored.push(JSON.parse(JSON.stringify(event)));
    const response = toDurableEventStreamResponse(
      { headers: new Headers() },
      {
        runId: 'r',
        events: async function* (offset) {
          for (let index = offset; index < stored.length; index++)
            yield { offset: index, event: stored[index] as AgentEvent<unknown> };
        },
        tools: [subagent(setupValue.child, { name: 'helper', description: 'Logs in.' })],
        heartbeatMs: 0,
      },
    );
    const text = await readBody(response.body as ReadableStream<Uint8Array>);
    expect(text).not.toContain(PASSWORD);
    const call = parseSse(text).events.find(
      (event) => event.event === 'tool-call' && event.data.toolName === 'login',
    );
    expect(call?.data.args).toEqual({ user: 'ada', password: '[redacted]' });
  });

  it('leave the events of agent.stream() as the model sent them, with the redacted copy beside', async () => {
    const stream = parentOf(setup()).stream('Log ada in');
    const calls: AgentEvent<unknown>[] = [];
    for await (const event of stream) if (event.type === 'tool-call') calls.push(event);
    expect(calls.find((event) => event.type === 'tool-call' && event.toolName === 'login')).toEqual(
      expect.objectContaining({
        args: { user: 'ada', password: PASSWORD },
        redactedArgs: { user: 'ada', password: '[redacted]' },
      }),
    );
    // Nothing secret in a call: no copy.
    const helper = calls.find((event) => event.type === 'tool-call' && event.toolName === 'helper');
    expect(helper).not.toHaveProperty('redactedArgs');
  });
});

describe('secret arguments of a tool of an agent the run was handed to', () => {
  it('are redacted in the browser stream though the first agent has no secret tool', async () => {
    const fake = createFakeGemini({
      script: routeByAgent([
        { match: 'You triage', script: [turn.call('transfer_to_accounts', {})] },
        {
          match: 'You log in',
          script: [turn.call('login', { user: 'ada', password: PASSWORD }), turn.text('In.')],
        },
      ]),
    });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const accounts = createAgent({
      gemini,
      model: MODEL,
      name: 'accounts',
      instructions: 'You log in.',
      tools: [login],
    });
    const triage = createAgent({
      gemini,
      model: MODEL,
      instructions: 'You triage.',
      tools: [handoff(accounts, { description: 'Accounts and logins.' })],
    });
    const text = await readBody(
      toEventStreamResponse(triage.stream('Log ada in')).body as ReadableStream<Uint8Array>,
    );
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain('[redacted]');
  });
});
