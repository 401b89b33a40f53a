import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { PluginError } from '../agent/plugins/plugin-error.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import type { LiveEvent } from './live-event.ts';
import { LiveSessionError } from './live-session-error.ts';

// The agent's plugins (the seam's tool-call hooks) and its approval hook on live calls, against
// the fake Live server: the same order and outcomes as in a run (docs/writing-a-plugin.md).

const transfer = defineTool({
  name: 'transfer',
  description: 'Moves money.',
  parameters: z.object({ amount: z.number(), to: z.string() }),
  execute: ({ amount, to }) => ({ done: true, amount, to }),
});

type Responses = { toolResponse: { functionResponses: Record<string, unknown>[] } }[];
const responsesOf = (fake: Parameters<typeof messagesOf>[0]) =>
  (messagesOf(fake, 0, 'toolResponse') as Responses).flatMap(
    (message) => message.toolResponse.functionResponses,
  );

describe('plugins on live tool calls', () => {
  it('runs beforeToolCall, wrapToolCall and afterToolCall in the seam order; a plugin event reaches the session', async () => {
    const order: string[] = [];
    const audit = definePlugin({
      name: 'audit',
      startRun: () => {
        order.push('startRun');
        return { calls: 0 };
      },
      beforeToolCall: (call, run) => {
        order.push(`before ${call.toolName} ${JSON.stringify(call.args)}`);
        run.state.calls += 1;
        // Arguments changed before parsing: the tool gets the plugin's.
        return { type: 'args', args: { ...call.args, amount: 5 } };
      },
      wrapToolCall: async (call, next, run) => {
        order.push(`wrap ${JSON.stringify(call.input)}`);
        const execution = await next();
        run.emit('timed', { tool: call.toolName });
        return execution;
      },
      afterToolCall: (result) => {
        order.push('after');
        return { result: { ...(result.result as object), masked: true } };
      },
      endRun: (run) => {
        order.push(`endRun ${run.state.calls}`);
      },
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'transfer', args: { amount: 900, to: 'bob' }, id: 't1' }] }],
          [{ text: 'Done.' }],
        ],
      },
      { tools: [transfer], plugins: [audit] },
    );
    const session = await createLiveSession(agent);
    session.sendText('Send bob 900');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events).toContainEqual({
      type: 'plugin',
      plugin: 'audit',
      kind: 'timed',
      data: { tool: 'transfer' },
    });
    // The event shows what the tool returned; the model got what afterToolCall made of it.
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'tool-result',
        output: { done: true, amount: 5, to: 'bob' },
      }),
    );
    expect(responsesOf(fake)).toEqual([
      {
        id: 't1',
        name: 'transfer',
        response: { done: true, amount: 5, to: 'bob', masked: true },
      },
    ]);
    await session.close();
    expect(order).toEqual([
      'startRun',
      'before transfer {"amount":900,"to":"bob"}',
      'wrap {"amount":5,"to":"bob"}',
      'after',
      'endRun 1',
    ]);
  });

  it("a plugin's deny answers the call with the refusal; the tool never runs", async () => {
    let ran = 0;
    const counted = defineTool({
      name: 'transfer',
      description: 'Moves money.',
      parameters: z.object({ amount: z.number(), to: z.string() }),
      execute: () => {
        ran += 1;
        return { done: true };
      },
    });
    const limit = definePlugin({
      name: 'limit',
      beforeToolCall: (call) =>
        (call.args['amount'] as number) > 100
          ? { type: 'deny', message: 'Transfers over 100 need a person.' }
          : undefined,
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'transfer', args: { amount: 900, to: 'bob' }, id: 'd1' }] }],
          [{ text: 'I may not.' }],
        ],
      },
      { tools: [counted], plugins: [limit] },
    );
    await using session = await createLiveSession(agent);
    session.sendText('Send bob 900');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events).toContainEqual({
      type: 'tool-error',
      toolCallId: 'd1',
      toolName: 'transfer',
      outcome: 'denied',
      message: 'Transfers over 100 need a person.',
    });
    expect(responsesOf(fake)).toEqual([
      { id: 'd1', name: 'transfer', response: { error: 'Transfers over 100 need a person.' } },
    ]);
    expect(ran).toBe(0);
  });

  it('a plugin result answers the call without running the tool', async () => {
    const cached = definePlugin({
      name: 'cache',
      beforeToolCall: () => ({ type: 'result', result: { done: 'from cache' } }),
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'transfer', args: { amount: 1, to: 'al' }, id: 'c1' }] }],
          [{ text: 'ok' }],
        ],
      },
      { tools: [transfer], plugins: [cached] },
    );
    await using session = await createLiveSession(agent);
    session.sendText('go');
    await readUntil(session[Symbol.asyncIterator](), (event) => event.type === 'turn-end');
    expect(responsesOf(fake)).toEqual([
      { id: 'c1', name: 'transfer', response: { done: 'from cache' } },
    ]);
  });

  it('an approval that waits keeps the conversation going for a NON_BLOCKING tool', async () => {
    let approve: () => void = () => {};
    let markAsked: () => void = () => {};
    const wasAsked = new Promise<void>((resolve) => {
      markAsked = resolve;
    });
    const background = defineTool({
      name: 'book_table',
      description: 'Books a table; a person approves it.',
      parameters: z.object({ people: z.number() }),
      behavior: 'NON_BLOCKING',
      execute: ({ people }) => ({ booked: people }),
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [
            { toolCalls: [{ name: 'book_table', args: { people: 4 }, id: 'b1' }] },
            { text: 'Asking the manager.' },
          ],
          [{ text: 'It is sunny.' }],
          [{ text: 'Your table is booked.' }],
        ],
      },
      {
        tools: [background],
        beforeToolCall: () =>
          new Promise((resolve) => {
            approve = () => resolve({ type: 'approve' });
            markAsked();
          }),
      },
    );
    await using session = await createLiveSession(agent);
    const iterator = session[Symbol.asyncIterator]();
    session.sendText('Book a table for 4');
    await readUntil(iterator, (event) => event.type === 'turn-end');
    await wasAsked;
    // The approval waits; the conversation goes on.
    session.sendText('How is the weather?');
    const meanwhile = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(meanwhile).toContainEqual({ type: 'text-delta', text: 'It is sunny.' });
    expect(responsesOf(fake)).toEqual([]);
    approve();
    const after = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(after).toContainEqual({ type: 'text-delta', text: 'Your table is booked.' });
    expect(responsesOf(fake)).toEqual([
      { id: 'b1', name: 'book_table', response: { booked: 4 }, scheduling: 'WHEN_IDLE' },
    ]);
  });

  it("an approval hook's unreadable decision denies instead of running the call, and ends the session as a run ends", async () => {
    let ran = 0;
    const counted = defineTool({
      name: 'transfer',
      description: 'Moves money.',
      parameters: z.object({ amount: z.number(), to: z.string() }),
      execute: () => {
        ran += 1;
        return {};
      },
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'transfer', args: { amount: 1, to: 'x' }, id: 'u1' }] }],
          [{ text: 'never' }],
        ],
      },
      // A decision nobody can read must never approve by accident.
      { tools: [counted], beforeToolCall: () => ({ type: 'yes' }) as never },
    );
    const session = await createLiveSession(agent);
    session.sendText('go');
    await expect(readUntil(session[Symbol.asyncIterator](), () => false)).rejects.toThrow(
      /beforeToolCall returned an object with type "yes"/,
    );
    expect(ran).toBe(0);
    await expect
      .poll(() => responsesOf(fake))
      .toEqual([
        {
          id: 'u1',
          name: 'transfer',
          response: { error: 'transfer was not run: its approval step failed.' },
        },
      ]);
    await session.close();
  });

  it('a plugin hook that throws: the call is answered, then the session ends with the PluginError (the key never in it)', async () => {
    const broken = definePlugin({
      name: 'broken',
      beforeToolCall: () => {
        throw new Error('policy store down (key test-key-live-0123456789abcdef)');
      },
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'transfer', args: { amount: 1, to: 'x' }, id: 'p1' }] }],
          [{ text: 'never' }],
        ],
      },
      { tools: [transfer], plugins: [broken] },
      'test-key-live-0123456789abcdef',
    );
    const session = await createLiveSession(agent);
    session.sendText('go');
    const error = await readUntil(session[Symbol.asyncIterator](), () => false).catch(
      (thrown: unknown) => thrown,
    );
    expect(PluginError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ plugin: 'broken', hook: 'beforeToolCall' });
    expect(String((error as Error).message)).not.toContain('0123456789abcdef');
    await expect
      .poll(() => responsesOf(fake))
      .toEqual([
        {
          id: 'p1',
          name: 'transfer',
          response: { error: 'transfer was not run: its approval step failed.' },
        },
      ]);
    await expect(session.closed).rejects.toBe(error);
    expect(LiveSessionError.isInstance(error)).toBe(false);
  });

  it("a plugin's trip is reported as guardrail-tripped, as in a run (not as a denial)", async () => {
    const policy = definePlugin({
      name: 'policy',
      beforeToolCall: (_call, run) =>
        run.trip({ guardrailName: 'limit', phase: 'tool-input', reason: 'over 100' }),
    });
    const { agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'transfer', args: { amount: 900, to: 'bob' }, id: 't1' }] }],
        ],
      },
      { tools: [transfer], plugins: [policy] },
    );
    const seen: LiveEvent[] = [];
    const session = await createLiveSession(agent, { onEvent: (event) => seen.push(event) });
    session.sendText('Send bob 900');
    const thrown = await readUntil(session[Symbol.asyncIterator](), () => false).catch(
      (error: unknown) => error,
    );
    expect(GuardrailTrippedError.isInstance(thrown)).toBe(true);
    expect(seen).toContainEqual({
      type: 'tool-error',
      toolCallId: 't1',
      toolName: 'transfer',
      outcome: 'guardrail-tripped',
      message: 'transfer was stopped by a guardrail (limit); the session ended.',
    });
  });

  it("a plugin's ask sends the call to the approval hook with askedBy; a trip in checkToolCall ends the session typed", async () => {
    const asked: unknown[] = [];
    const policy = definePlugin({
      name: 'policy',
      beforeToolCall: () => ({ type: 'ask', askedBy: 'treasury' }),
      // After the schema: the parsed amount, before the approval hook is asked.
      checkToolCall: (call, run) => {
        if ((call.input as { amount: number }).amount > 100)
          run.trip({ guardrailName: 'limit', phase: 'tool-input', reason: 'over 100' });
      },
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'transfer', args: { amount: 5, to: 'bob' }, id: 'a1' }] }],
          [{ toolCalls: [{ name: 'transfer', args: { amount: 900, to: 'bob' }, id: 'a2' }] }],
          [{ text: 'never' }],
        ],
      },
      {
        tools: [transfer],
        plugins: [policy],
        beforeToolCall: ({ toolName, askedBy, args }) => {
          asked.push({ toolName, askedBy, args });
          return { type: 'approve' };
        },
      },
    );
    const session = await createLiveSession(agent);
    session.sendText('Send bob 5, then 900');
    const thrown = await readUntil(session[Symbol.asyncIterator](), () => false).catch(
      (error: unknown) => error,
    );
    expect(asked).toEqual([
      { toolName: 'transfer', askedBy: 'treasury', args: { amount: 5, to: 'bob' } },
    ]);
    expect(GuardrailTrippedError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({
      guardrailName: 'limit',
      phase: 'tool-input',
      reason: 'over 100',
    });
    // A hang guard: vi.waitFor's own 1 s also bounded this wait, which must succeed.
    await vi.waitFor(
      () =>
        expect(responsesOf(fake)).toEqual([
          { id: 'a1', name: 'transfer', response: { done: true, amount: 5, to: 'bob' } },
          {
            id: 'a2',
            name: 'transfer',
            response: { error: 'transfer was stopped by a guardrail (limit); the session ended.' },
          },
        ]),
      { timeout: 60_000 },
    );
  });

  it('run.addInput in a live session fails the hook with a PluginError that says why', async () => {
    const follower = definePlugin({
      name: 'follower',
      beforeToolCall: async (_call, run) => {
        await run.addInput([{ role: 'user', parts: [{ text: 'and also this' }] }]);
        return undefined;
      },
    });
    const { agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'transfer', args: { amount: 1, to: 'x' }, id: 'a1' }] }],
          [{ text: 'never' }],
        ],
      },
      { tools: [transfer], plugins: [follower] },
    );
    const session = await createLiveSession(agent);
    session.sendText('go');
    const error = await readUntil(session[Symbol.asyncIterator](), () => false).catch(
      (thrown: unknown) => thrown,
    );
    expect(PluginError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ plugin: 'follower', hook: 'beforeToolCall' });
    expect(String((error as Error).message)).toContain('not available in a live session');
    await expect(session.closed).rejects.toBe(error);
  });

  it('run.finish(reason) in a hook answers the call, then ends the session with a finish event', async () => {
    const stopper = definePlugin({
      name: 'budget',
      afterToolCall: (_result, run) => {
        run.finish('budget spent');
      },
    });
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'transfer', args: { amount: 1, to: 'x' }, id: 'f1' }] }],
          [{ text: 'unheard' }],
        ],
      },
      { tools: [transfer], plugins: [stopper] },
    );
    const session = await createLiveSession(agent);
    session.sendText('go');
    const seen = [];
    for await (const event of session) seen.push(event);
    expect(seen.at(-1)).toEqual({
      type: 'finish',
      stoppedBy: { plugin: 'budget', reason: 'budget spent' },
    });
    await expect(session.closed).resolves.toBeUndefined();
    await expect
      .poll(() => responsesOf(fake))
      .toEqual([{ id: 'f1', name: 'transfer', response: { done: true, amount: 1, to: 'x' } }]);
  });
});
