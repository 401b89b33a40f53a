import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { guardrails } from '../guardrails/index.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

const PASSWORD = 'hunter2-correct-horse';

function setup(script: Parameters<typeof createFakeGemini>[0] = {}) {
  const fake = createFakeGemini(script);
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  return { fake, gemini };
}

const login = defineTool({
  name: 'login',
  description: 'Logs in.',
  parameters: z.object({ user: z.string(), password: z.string() }),
  secretArguments: ['password'],
  execute: () => ({ ok: true, note: 'x'.repeat(500) }),
});

describe('toEventStreamResponse', () => {
  it('sends a run as numbered typed frames: start, steps, text, tools, finish with usage', async () => {
    const { gemini } = setup({
      script: [turn.call('login', { user: 'ada', password: PASSWORD }), turn.text('Logged in.')],
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [login] });
    const response = toEventStreamResponse(agent.stream('Log me in'), {
      maxResultPreviewChars: 20,
      runId: 'run-1',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await readBody(response.body as ReadableStream<Uint8Array>);
    const { events } = parseSse(text);

    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => String(index)));
    for (const event of events) {
      expect(event.event).toBe(event.data.type);
      expect(event.data.path).toEqual([]);
    }
    expect(events.map((event) => event.event)).toEqual([
      'start',
      'step-start',
      'tool-call',
      'tool-result',
      'step-finish',
      'step-start',
      'text-delta',
      'step-finish',
      'finish',
    ]);
    expect(events[0]?.data).toEqual({ type: 'start', path: [], runId: 'run-1', protocol: 1 });
    // The secret argument never reaches the page; the rest does.
    expect(text).not.toContain(PASSWORD);
    expect(events[2]?.data.args).toEqual({ user: 'ada', password: '[redacted]' });
    expect(events[3]?.data).toMatchObject({ outcome: 'success', truncated: true });
    expect(events[3]?.data.preview).toHaveLength(20);
    expect(events[4]?.data.usage.totalTokens).toBeGreaterThan(0);
    // Each step's cost and the run's, as the agent computed them (exact decimal strings).
    expect(events[4]?.data.cost).toMatchObject({
      currency: 'USD',
      total: expect.stringMatching(/^0\.\d+$/),
    });
    expect(events.at(-1)?.data).toMatchObject({
      type: 'finish',
      outcome: 'completed',
      finishReason: 'stop',
      cost: { currency: 'USD', total: expect.stringMatching(/^0\.\d+$/) },
    });
    expect(events.at(-1)?.data.usage.totalTokens).toBeGreaterThan(0);
  });

  it('redacts secret arguments of a chat send too', async () => {
    const { gemini } = setup({
      script: [turn.call('login', { user: 'ada', password: PASSWORD }), turn.text('Done.')],
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [login] });
    const chat = createChatSession({ agent, id: 'chat-1' });
    const text = await readBody(
      toEventStreamResponse(chat.sendStream('Log me in')).body as ReadableStream<Uint8Array>,
    );
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(PASSWORD);
    expect(parseSse(text).events.at(-1)?.data.outcome).toBe('completed');
  });

  it('leaves out the arguments of a stream it cannot redact (not made by gemloop)', async () => {
    async function* events() {
      yield {
        type: 'tool-call' as const,
        path: [],
        stepNumber: 1,
        toolCallId: 'a',
        toolName: 'login',
        args: { password: PASSWORD },
      };
    }
    const source = Object.assign(events(), { abort() {} });
    const text = await readBody(toEventStreamResponse(source).body as ReadableStream<Uint8Array>);
    expect(text).not.toContain(PASSWORD);
    const call = parseSse(text).events[1]?.data;
    expect(call).toMatchObject({ type: 'tool-call', argsOmitted: true });
    expect(call.args).toBeUndefined();
  });

  it('tells the page when an output guardrail rewrote text it already sent (text-retraction)', async () => {
    const { gemini } = setup({ script: [turn.text('Call 555-1234')] });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      guardrails: guardrails({
        output: [
          {
            name: 'redact',
            check: ({ text }) => ({
              type: 'rewrite',
              text: text.replace(/\d{3}-\d{4}/, '[phone]'),
            }),
          },
        ],
      }),
    });
    const text = await readBody(
      toEventStreamResponse(agent.stream('Hi')).body as ReadableStream<Uint8Array>,
    );
    const events = parseSse(text).events;
    const retraction = events.find((event) => event.event === 'text-retraction');
    expect(retraction?.data).toEqual({
      type: 'text-retraction',
      path: [],
      stepNumber: 1,
      text: 'Call [phone]',
    });
    const names = events.map((event) => event.event);
    expect(names.indexOf('text-retraction')).toBeGreaterThan(names.indexOf('text-delta'));
    expect(names.indexOf('text-retraction')).toBeLessThan(names.indexOf('finish'));
  });

  it('sends thoughts only when asked', async () => {
    const script = () => ({ script: [turn.text('Answer.', { thoughts: 'Let me think.' })] });
    const thoughtsOf = async (thoughts: boolean) => {
      const { gemini } = setup(script());
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        thinking: { includeThoughts: true },
      });
      const text = await readBody(
        toEventStreamResponse(agent.stream('Hi'), { thoughts }).body as ReadableStream<Uint8Array>,
      );
      return parseSse(text).events.filter((event) => event.event === 'thought-delta');
    };
    expect(await thoughtsOf(false)).toEqual([]);
    expect((await thoughtsOf(true)).map((event) => event.data.text).join('')).toBe('Let me think.');
  });

  it('ends a failed run with an error event a page can show, then finish; status 200', async () => {
    const { gemini } = setup({ faults: [{ fault: { type: 'internal' } }] });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const onError = vi.fn();
    const response = toEventStreamResponse(agent.stream('Hi'), { onError });
    expect(response.status).toBe(200);
    const text = await readBody(response.body as ReadableStream<Uint8Array>);
    const { events } = parseSse(text);
    expect(events.map((event) => event.event)).toEqual(['start', 'step-start', 'error', 'finish']);
    const error = events[2]?.data.error;
    expect(error).toMatchObject({ name: 'ModelCallError', code: expect.any(String) });
    expect(error.message).toMatch(/500|internal/i);
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'name']);
    expect(text).not.toMatch(/\n\s+at /); // no stack
    expect(text).not.toContain('test-key');
    expect(events[3]?.data).toMatchObject({ outcome: 'error' });
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('sends a run that fails before its first event as start, error, finish with status 200', async () => {
    const { gemini } = setup();
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const response = toEventStreamResponse(agent.stream('Hi', { signal: 'nope' as never }));
    expect(response.status).toBe(200);
    const { events } = parseSse(await readBody(response.body as ReadableStream<Uint8Array>));
    expect(events.map((event) => event.event)).toEqual(['start', 'error', 'finish']);
    expect(events[1]?.data.error).toMatchObject({ code: 'invalid-argument' });
    expect(events[2]?.data.outcome).toBe('error');
  });

  it('does not show the message of an error gemloop did not make', async () => {
    async function* events() {
      yield { type: 'step-start' as const, path: [], stepNumber: 1, kind: 'tools' as const };
      throw new Error(`db password ${PASSWORD} rejected`);
    }
    const source = Object.assign(events(), { abort() {} });
    const text = await readBody(toEventStreamResponse(source).body as ReadableStream<Uint8Array>);
    expect(text).not.toContain(PASSWORD);
    expect(parseSse(text).events[2]?.data.error).toEqual({
      name: 'Error',
      message: 'The run failed.',
    });
  });

  it('does not show what a failing tool threw, even as a gemloop error', async () => {
    const failing = defineTool({
      name: 'lookup',
      description: 'Looks up.',
      parameters: z.object({}),
      execute: () => {
        throw new Error(`connect postgres://app:${PASSWORD}@db failed`);
      },
    });
    const { gemini } = setup({ script: [turn.call('lookup'), turn.text('Never.')] });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [failing],
      toolErrors: 'throw',
    });
    const text = await readBody(
      toEventStreamResponse(agent.stream('Go')).body as ReadableStream<Uint8Array>,
    );
    expect(text).not.toContain(PASSWORD);
    const error = parseSse(text).events.find((event) => event.event === 'error')?.data.error;
    expect(error).toEqual({
      name: 'ToolExecutionError',
      code: 'tool-execution',
      message: 'A tool failed.',
    });
  });

  it('aborts the run quietly when the page goes away', async () => {
    let release: () => void = () => {};
    const slow = defineTool({
      name: 'slow',
      description: 'Waits.',
      parameters: z.object({}),
      execute: (_args, { signal }) =>
        new Promise((resolve, reject) => {
          release = () => resolve('done');
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    });
    const { gemini } = setup({ script: [turn.call('slow'), turn.text('Never.')] });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [slow] });
    const stream = agent.stream('Go');
    const onError = vi.fn();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const response = toEventStreamResponse(stream, { onError });
      await readBody(response.body as ReadableStream<Uint8Array>, (text) =>
        text.includes('event: tool-call'),
      );
      const error = await stream.result.catch((reason: unknown) => reason);
      expect(AgentAbortedError.isInstance(error)).toBe(true);
      release();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(onError).not.toHaveBeenCalled();
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('writes a heartbeat comment while the run is quiet', async () => {
    let release: () => void = () => {};
    const wait = defineTool({
      name: 'wait',
      description: 'Waits.',
      parameters: z.object({}),
      execute: () => new Promise((resolve) => (release = () => resolve('ok'))),
    });
    const { gemini } = setup({ script: [turn.call('wait'), turn.text('Done.')] });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [wait] });
    const body = toEventStreamResponse(agent.stream('Go'), { heartbeatMs: 5 })
      .body as ReadableStream<Uint8Array>;
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    // The tool holds the run until a ping came: no timing asserted, only the order.
    while (!text.includes(': ping\n\n')) {
      const { value } = await reader.read();
      text += decoder.decode(value);
    }
    release();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    const { events, comments } = parseSse(text);
    expect(comments).toBeGreaterThan(0);
    expect(events.at(-1)?.data.outcome).toBe('completed');
  });

  it('refuses a source that is not a stream, naming what it takes', () => {
    expect(() => toEventStreamResponse({} as never)).toThrow(/agent\.stream\(\)/);
    expect(() =>
      toEventStreamResponse(Object.assign((async function* () {})(), { abort() {} }), {
        heartbeatMs: -1,
      }),
    ).toThrow(/heartbeatMs must be a non-negative number/);
    // Past setTimeout's limit Node fires the interval every millisecond: a ping flood.
    expect(() =>
      toEventStreamResponse(Object.assign((async function* () {})(), { abort() {} }), {
        heartbeatMs: 3e9,
      }),
    ).toThrow(/heartbeatMs must be at most 2147483647 ms/);
  });

  // attack46a: an `approvals` no broker made (hand-made, or another version's) was taken and
  // ignored: the page never saw a pending approval. Refused now, the run stopped unserved.
  it('refuses approvals that createApprovalBroker did not make, and stops the run', () => {
    let aborted: unknown;
    const source = Object.assign((async function* () {})(), {
      abort(reason: unknown) {
        aborted = reason;
      },
    });
    expect(() => toEventStreamResponse(source, { approvals: {} as never })).toThrow(
      'toEventStreamResponse: approvals must be a broker made by createApprovalBroker().',
    );
    expect(aborted).toBeInstanceOf(DOMException);
  });
});
