import { buildResumeArray } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import { AGUI_MEDIA_TYPE } from '@ag-ui/encoder';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { createApprovalBroker } from '@gemloop/core/web';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveAgUi, TOKENS } from './__fixtures__/serve-ag-ui.ts';
import { createAgUiHandler } from './create-ag-ui-handler.ts';

// The AG-UI door driven by `@ag-ui/client`'s HttpAgent over 127.0.0.1, the agent on the fake
// Gemini: what an AG-UI frontend (CopilotKit, or a page of one's own) gets from a gemloop agent.

function lookupTool(calls: string[]) {
  return defineTool({
    name: 'lookup_order',
    description: 'Looks an order up.',
    parameters: z.object({ order: z.string(), token: z.string() }),
    secretArguments: ['token'],
    execute: ({ order }) => {
      calls.push(order);
      return { order, status: 'shipped' };
    },
  });
}

const types = (events: { type: string }[]) => events.map((event) => event.type);

describe('createAgUiHandler', () => {
  it('streams a text answer as AG-UI events that HttpAgent reads into a message', async () => {
    const { client, events } = await serveAgUi([turn.text('Hello from gemloop.')]);
    const http = client('alice', 'thread-1');
    const { seen, run } = await events(http, 'Hi');
    expect(types(seen)).toEqual([
      'RUN_STARTED',
      'STEP_STARTED',
      'TEXT_MESSAGE_START',
      ...types(seen).filter((type) => type === 'TEXT_MESSAGE_CONTENT'),
      'TEXT_MESSAGE_END',
      'STEP_FINISHED',
      'RUN_FINISHED',
    ]);
    expect(seen[0]).toMatchObject({ threadId: 'thread-1' });
    expect(run.newMessages).toEqual([
      expect.objectContaining({ role: 'assistant', content: 'Hello from gemloop.' }),
    ]);
    expect(run.result).toBe('Hello from gemloop.');
  });

  it("shows a server tool call's events with secret arguments redacted, then its result", async () => {
    const calls: string[] = [];
    const { client, events, fake } = await serveAgUi(
      [
        turn.call('lookup_order', { order: 'A-7', token: 'secret-token-123' }),
        turn.text('Order A-7 has shipped.'),
      ],
      { agent: { tools: [lookupTool(calls)] } },
    );
    const { seen, run } = await events(client(), 'Where is A-7?');
    expect(calls).toEqual(['A-7']);
    expect(types(seen)).toEqual([
      'RUN_STARTED',
      'STEP_STARTED',
      'TOOL_CALL_START',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_END',
      'TOOL_CALL_RESULT',
      'STEP_FINISHED',
      'STEP_STARTED',
      'TEXT_MESSAGE_START',
      ...types(seen).filter((type) => type === 'TEXT_MESSAGE_CONTENT'),
      'TEXT_MESSAGE_END',
      'STEP_FINISHED',
      'RUN_FINISHED',
    ]);
    const start = seen.find((event) => event.type === 'TOOL_CALL_START') as Record<string, unknown>;
    expect(start).toMatchObject({ toolCallName: 'lookup_order' });
    const args = seen.find((event) => event.type === 'TOOL_CALL_ARGS') as Record<string, unknown>;
    expect(args['toolCallId']).toBe(start['toolCallId']);
    expect(JSON.parse(args['delta'] as string)).toEqual({ order: 'A-7', token: '[redacted]' });
    // The model got the real argument: only what the page sees is redacted.
    expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain('secret-token-123');
    expect(JSON.stringify(seen)).not.toContain('secret-token-123');
    expect(seen.find((event) => event.type === 'TOOL_CALL_RESULT')).toMatchObject({
      toolCallId: start['toolCallId'],
      role: 'tool',
      content: JSON.stringify({ order: 'A-7', status: 'shipped' }),
    });
    // HttpAgent built the assistant's tool call and the tool's message from the events.
    expect(run.newMessages.map((message) => message.role)).toEqual([
      'assistant',
      'tool',
      'assistant',
    ]);
  });

  it("shows a subagent as its parent's tool call: the child's own steps and text stay inside it", async () => {
    const childFake = createFakeGemini({ script: [turn.text('Paris is the capital.')] });
    const child = createAgent({
      gemini: createGemini({ apiKey: 'k', retry: false, fetch: childFake.fetch }),
      model: 'gemini-2.5-flash',
    });
    const { client, events } = await serveAgUi(
      [turn.call('search', { task: 'Capital of France?' }), turn.text('Paris.')],
      { agent: { tools: [subagent(child, { name: 'search', description: 'Searches.' })] } },
    );
    const { seen, run } = await events(client(), 'Capital of France?');
    expect(types(seen).filter((type) => type === 'STEP_STARTED')).toHaveLength(2);
    expect(types(seen).filter((type) => type === 'TEXT_MESSAGE_START')).toHaveLength(1);
    expect(seen.find((event) => event.type === 'TOOL_CALL_START')).toMatchObject({
      toolCallName: 'search',
    });
    const result = seen.find((event) => event.type === 'TOOL_CALL_RESULT') as unknown as {
      content: string;
    };
    expect(result.content).toContain('Paris is the capital.');
    expect(run.result).toBe('Paris.');
  });

  it("ends a failed run with RUN_ERROR: fixed words and a code, never the error's words", async () => {
    const secret = 'db-password-hunter2';
    const failing = defineTool({
      name: 'lookup_order',
      description: 'Looks an order up.',
      parameters: z.object({ order: z.string() }),
      execute: () => {
        throw new Error(`connect to postgres://admin:${secret}@10.0.0.5 failed`);
      },
    });
    const { client, errors } = await serveAgUi([turn.call('lookup_order', { order: 'A' })], {
      agent: { tools: [failing], toolErrors: 'throw' },
    });
    const http = client();
    const seen: BaseEvent[] = [];
    http.addMessage({ id: 'm1', role: 'user', content: 'Where?' });
    // HttpAgent hands a RUN_ERROR to its subscribers and settles the run.
    await http
      .runAgent({}, { onEvent: ({ event }) => void seen.push(event) })
      .catch(() => undefined);
    const last = seen.at(-1);
    expect(last).toEqual({ type: 'RUN_ERROR', message: 'A tool failed.', code: 'tool-execution' });
    expect(JSON.stringify(seen)).not.toContain(secret);
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as Error).cause ?? errors[0])).toContain(secret);
  });

  it('keeps a thread as a chat session: the next run has the earlier turns', async () => {
    const { client, events, fake } = await serveAgUi([
      turn.text('It is 2.'),
      turn.text('It is 4.'),
    ]);
    const http = client('alice', 'sums');
    await events(http, 'What is 1+1?');
    await events(http, 'And 2+2?');
    const contents = (fake.requests.at(-1)!.body as { contents: { role: string }[] }).contents;
    expect(contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
  });

  it("keeps owners apart: another caller's threadId opens a fresh thread of their own, the history unseen", async () => {
    const { client, events, post, fake } = await serveAgUi([
      turn.text('Secret plan.'),
      turn.text('Hello Bob.'),
      turn.text('Hello again.'),
    ]);
    await events(client('alice', 'alice-thread'), 'Plan?');
    const bob = client('bob', 'alice-thread');
    const seen = await events(bob, 'What did alice say?');
    expect(JSON.stringify(seen)).not.toContain('Secret plan.');
    // Bob's request holds his message alone: nothing of Alice's thread reached the model.
    const contents = (fake.requests.at(-1)!.body as { contents: unknown[] }).contents;
    expect(contents).toHaveLength(1);
    expect(JSON.stringify(contents)).not.toContain('Plan?');
    // The raw answer is what any new thread gets: a stream, not a refusal that says it exists.
    const raw = await post(JSON.stringify(input('alice-thread', 'Again?')), {
      authorization: `Bearer ${TOKENS.bob}`,
    });
    expect(raw.status).toBe(200);
    expect(await raw.text()).not.toContain('Secret plan.');
  });

  it('refuses a caller without valid credentials 401, an oversized body 413, a caller over the limit 429', async () => {
    const { post } = await serveAgUi([turn.text('one')], {
      handler: { maxBodyBytes: 2000, rateLimit: { requests: 1, windowMs: 60_000 } },
    });
    const anonymous = await post(JSON.stringify(input('t', 'hi')), {
      authorization: 'Bearer nope',
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(await anonymous.text()).not.toContain('nope');
    const large = await post(JSON.stringify(input('t', 'x'.repeat(3000))));
    expect(large.status).toBe(413);
    expect((await large.json()).error.code).toBe('request_too_large');
    const limited = await post(JSON.stringify(input('t', 'hi')));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers malformed bodies 400 naming what was wrong (a bounded fuzz)', async () => {
    const { post, fake } = await serveAgUi([], { handler: { rateLimit: false } });
    const valid = input('t', 'hi');
    const cases: [string, string][] = [
      ['{', 'not valid JSON'],
      ['null', 'RunAgentInput'],
      ['[]', 'RunAgentInput'],
      ['"text"', 'RunAgentInput'],
      [JSON.stringify({ ...valid, threadId: 7 }), 'threadId'],
      [JSON.stringify({ ...valid, runId: undefined }), 'runId'],
      [JSON.stringify({ ...valid, messages: 'hi' }), 'messages'],
      [JSON.stringify({ ...valid, messages: [] }), 'end with the user message'],
      [
        JSON.stringify({ ...valid, messages: [{ id: 'a', role: 'robot', content: 'x' }] }),
        'messages.0',
      ],
      [
        JSON.stringify({ ...valid, messages: [{ id: 'a', role: 'assistant', content: 'x' }] }),
        'end with the user message',
      ],
      [
        JSON.stringify({ ...valid, messages: [{ id: 'a', role: 'user', content: '  ' }] }),
        'no text',
      ],
      [JSON.stringify({ ...valid, threadId: '' }), 'threadId'],
      [JSON.stringify({ ...valid, threadId: 'x'.repeat(300) }), 'threadId'],
      [JSON.stringify({ ...valid, tools: 'all' }), 'tools'],
    ];
    // A bounded fuzz: each valid body with one field replaced by values of every other shape.
    const shapes: unknown[] = [null, 1, true, 'x', [], {}, [1], { a: 1 }];
    for (const field of ['threadId', 'runId', 'messages', 'tools', 'context']) {
      for (const shape of shapes) {
        if (field === 'messages' && Array.isArray(shape) && shape.length === 0) continue;
        if (
          (field === 'tools' || field === 'context') &&
          Array.isArray(shape) &&
          shape.length === 0
        )
          continue;
        if ((field === 'threadId' || field === 'runId') && shape === 'x') continue;
        cases.push([JSON.stringify({ ...valid, [field]: shape }), field]);
      }
    }
    for (const [body, named] of cases) {
      const response = await post(body);
      expect(response.status, body).toBe(400);
      const answer = (await response.json()) as { error: { message: string; code: string } };
      expect(answer.error.message, body).toContain(named);
      expect(answer.error.message.length, body).toBeLessThan(500);
    }
    expect(fake.requests).toHaveLength(0);
    const wrongMethod = await fetch((await serveAgUi([])).url);
    expect(wrongMethod.status).toBe(405);
  });

  it('aborts the run when the client closes the stream', async () => {
    const signals: AbortSignal[] = [];
    const slow = defineTool({
      name: 'lookup_order',
      description: 'Looks an order up.',
      parameters: z.object({ order: z.string() }),
      execute: (_args, { signal }) => {
        signals.push(signal);
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      },
    });
    const { post } = await serveAgUi([turn.call('lookup_order', { order: 'A' })], {
      agent: { tools: [slow] },
    });
    const controller = new AbortController();
    const response = await post(JSON.stringify(input('t', 'hi')), {}, controller.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('TOOL_CALL_END')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`The stream ended before the tool call: ${text}`);
      text += new TextDecoder().decode(value);
    }
    await waitFor(() => signals.length === 1);
    expect(signals[0]?.aborted).toBe(false);
    controller.abort();
    await waitFor(() => signals[0]?.aborted === true);
  });

  it('asks for approval as an AG-UI interrupt, and a resume answers it: approved, then denied', async () => {
    const calls: string[] = [];
    const approvals = createApprovalBroker();
    const { client, events, fake } = await serveAgUi(
      [
        turn.call('lookup_order', { order: 'A-7', token: 'secret-token-123' }),
        turn.text('Order A-7 has shipped.'),
        turn.call('lookup_order', { order: 'B-2', token: 'secret-token-456' }),
        turn.text('I may not look B-2 up.'),
      ],
      {
        agent: { tools: [lookupTool(calls)], beforeToolCall: approvals.beforeToolCall },
        handler: { approvals },
      },
    );
    const http = client('alice', 'approvals');
    const first = await events(http, 'Where is A-7?');
    expect(types(first.seen)).toEqual([
      'RUN_STARTED',
      'STEP_STARTED',
      'TOOL_CALL_START',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_END',
      // AG-UI finishes a run with its steps closed; the resumed run opens the step again.
      'STEP_FINISHED',
      'RUN_FINISHED',
    ]);
    expect(calls).toEqual([]);
    const [interrupt] = http.pendingInterrupts;
    const start = first.seen[2] as Record<string, unknown>;
    expect(interrupt).toMatchObject({ reason: 'tool_approval', toolCallId: start['toolCallId'] });
    expect(JSON.stringify(first.seen)).not.toContain('secret-token-123');
    expect(approvals.pendingCount).toBe(1);

    // The next run resumes: the same gemloop run goes on, the call runs, the answer streams.
    const seen: BaseEvent[] = [];
    await http.runAgent(
      {
        resume: buildResumeArray(http.pendingInterrupts, {
          [interrupt?.id as string]: { status: 'resolved', payload: { approved: true } },
        }),
      },
      { onEvent: ({ event }) => void seen.push(event) },
    );
    expect(calls).toEqual(['A-7']);
    expect(types(seen).slice(0, 3)).toEqual(['RUN_STARTED', 'STEP_STARTED', 'TOOL_CALL_RESULT']);
    expect(seen.at(-1)).toMatchObject({ type: 'RUN_FINISHED', result: 'Order A-7 has shipped.' });
    expect(http.pendingInterrupts).toEqual([]);

    // Denied with a reason: the call never runs, the model reads the reason.
    const second = await events(http, 'And B-2?');
    const [next] = http.pendingInterrupts;
    expect(second.seen.at(-1)).toMatchObject({ outcome: { type: 'interrupt' } });
    // Call ids are unique over the thread (the model's or gemloop's repeat from run to run).
    expect(next?.toolCallId).not.toBe(interrupt?.toolCallId);
    expect(
      new Set(http.messages.flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : []))).size,
    ).toBe(1);
    await http.runAgent({
      resume: buildResumeArray(http.pendingInterrupts, {
        [next?.id as string]: {
          status: 'resolved',
          payload: { approved: false, message: 'Not that one.' },
        },
      }),
    });
    expect(calls).toEqual(['A-7']);
    expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain('Not that one.');
    expect(http.messages.at(-1)).toMatchObject({
      role: 'assistant',
      content: 'I may not look B-2 up.',
    });
    expect(approvals.pendingCount).toBe(0);
  });

  it('abandons a waiting run when the next run is a new message instead of a resume (a client other than HttpAgent, which refuses to)', async () => {
    const calls: string[] = [];
    const approvals = createApprovalBroker();
    const { client, events, post } = await serveAgUi(
      [turn.call('lookup_order', { order: 'A-7', token: 't' }), turn.text('Something else, then.')],
      {
        agent: { tools: [lookupTool(calls)], beforeToolCall: approvals.beforeToolCall },
        handler: { approvals },
      },
    );
    const http = client('alice', 'changed-mind');
    await events(http, 'Where is A-7?');
    expect(approvals.pendingCount).toBe(1);
    const next = await post(JSON.stringify(input('changed-mind', 'Never mind, something else.')));
    expect(next.status).toBe(200);
    const text = await next.text();
    expect(text).toContain('"result":"Something else, then."');
    expect(calls).toEqual([]);
    expect(approvals.pendingCount).toBe(0);
  });

  it("refuses a resume that answers no open interrupt, or another owner's", async () => {
    const approvals = createApprovalBroker();
    const { client, events, post } = await serveAgUi(
      [turn.call('lookup_order', { order: 'A-7', token: 't' }), turn.text('done')],
      {
        agent: { tools: [lookupTool([])], beforeToolCall: approvals.beforeToolCall },
        handler: { approvals, rateLimit: false },
      },
    );
    const resumeBody = (threadId: string, interruptId: string) =>
      JSON.stringify({
        ...input(threadId, 'x'),
        resume: [{ interruptId, status: 'resolved', payload: { approved: true } }],
      });
    const nothing = await post(resumeBody('fresh-thread', 'any'));
    expect(nothing.status).toBe(409);
    expect((await nothing.json()).error.code).toBe('nothing_to_resume');
    const http = client('alice', 'waiting');
    await events(http, 'Where?');
    const id = http.pendingInterrupts[0]?.id as string;
    const wrong = await post(resumeBody('waiting', 'not-an-interrupt'));
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.message).toContain('does not wait for');
    // A stranger's 'waiting' is a thread of their own, with nothing to resume.
    const stranger = await post(resumeBody('waiting', id), {
      authorization: `Bearer ${TOKENS.bob}`,
    });
    expect(stranger.status).toBe(409);
    expect((await stranger.json()).error.code).toBe('nothing_to_resume');
    expect(approvals.pendingCount).toBe(1);
  });

  it('streams server-sent events to curl and a bare fetch (Accept: */*), protobuf only when asked by name', async () => {
    const { post } = await serveAgUi([turn.text('one'), turn.text('two')]);
    const plain = await post(JSON.stringify(input('t1', 'hi')), { accept: '*/*' });
    expect(plain.headers.get('content-type')).toBe('text/event-stream');
    expect(await plain.text()).toContain('data: {"type":"RUN_STARTED"');
    const binary = await post(JSON.stringify(input('t2', 'hi')), { accept: AGUI_MEDIA_TYPE });
    expect(binary.headers.get('content-type')).toBe(AGUI_MEDIA_TYPE);
    await binary.arrayBuffer();
  });

  it('refuses options it cannot serve with, naming them', () => {
    expect(() => createAgUiHandler({} as never)).toThrow(/agent must be an agent/);
    expect(() =>
      createAgUiHandler({ agent: { run() {} } as never, authorize: undefined as never }),
    ).toThrow(/authorize must be a function/);
    expect(() =>
      createAgUiHandler({ agent: { run() {} } as never, authorize: () => 'a', maxThreads: 0 }),
    ).toThrow(InvalidArgumentError);
  });
});

/** A RunAgentInput as HttpAgent sends it. */
function input(threadId: string, text: string) {
  return {
    threadId,
    runId: crypto.randomUUID(),
    state: {},
    messages: [{ id: crypto.randomUUID(), role: 'user', content: text }],
    tools: [],
    context: [],
    forwardedProps: {},
  };
}

/** Waits until `check` holds (a hang guard, not a speed judgement). */
async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('waitFor: the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
