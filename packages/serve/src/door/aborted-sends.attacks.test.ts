import type { StreamResponse, Task } from '@a2a-js/sdk';
import { TaskState } from '@a2a-js/sdk';
import type { HttpAgent } from '@ag-ui/client';
import { defineTool } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveA2A, userMessage } from '../a2a/__fixtures__/serve-a2a.ts';
import { serveAgUi } from '../ag-ui/__fixtures__/serve-ag-ui.ts';
import { serveOpenAI } from '../openai/__fixtures__/serve-openai.ts';
import { lastRequestTexts } from './__fixtures__/last-request-texts.ts';

// leftovers69 (issue 53): a send its client aborts, at each door, and what the conversation keeps
// of it. The rule the doors agree on: the conversation is what the protocol's client holds.
// - AG-UI's client holds the conversation and sends it whole with each run ("Everything the
//   producer knows about the conversation arrives through" RunAgentInput,
//   https://docs.ag-ui.com/spec/1.0/basic/run-input): `HttpAgent.abortRun()` keeps the user's
//   message, and the next run sends it again. The door takes it back into the thread then (a
//   fresh thread's seed always did); before, a thread with a finished run dropped it, and the
//   agent answered the next message without the one the page still showed.
// - OpenAI Responses adds a response's input items to its `conversation` "after this response
//   completes" (https://platform.openai.com/docs/api-reference/responses/create): an aborted one
//   adds none, and the client continues a `previous_response_id` of a completed response only.
// - A2A: the canceled task keeps the message in its own history (`tasks/get`); the client sends
//   only new messages, and the context goes on from its tasks that completed.

/** `hold_on`: waits until its run is aborted; `started` and `aborted` say when. */
function abortableHold() {
  let onStart: () => void = () => {};
  let onAbort: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    onStart = resolve;
  });
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
  });
  const tool = defineTool({
    name: 'hold_on',
    description: 'Waits for the test.',
    parameters: z.object({}),
    execute: (_args, context) =>
      new Promise((_resolve, reject) => {
        onStart();
        context.signal.addEventListener('abort', () => {
          onAbort();
          reject(context.signal.reason);
        });
      }),
  });
  return { tool, started, aborted };
}

const userTexts = (requests: readonly { body: unknown }[]) => lastRequestTexts(requests, 'user');
const modelTexts = (requests: readonly { body: unknown }[]) => lastRequestTexts(requests, 'model');

/** Runs of one AG-UI thread by raw POST, each with `messages` as given: the answer's text. */
function threadRuns(
  post: (body: string, headers: Record<string, string>, signal?: AbortSignal) => Promise<Response>,
  threadId: string,
) {
  return (messages: unknown[], signal?: AbortSignal) =>
    post(
      JSON.stringify({
        threadId,
        runId: crypto.randomUUID(),
        messages,
        tools: [],
        context: [],
        state: {},
        forwardedProps: {},
      }),
      {},
      signal,
    ).then((response) => response.text());
}

/**
 * An AG-UI thread by raw POSTs: `Zero.` answered, then `First.` held in `hold_on` and aborted as a
 * page's request is; `run` sends the thread's next run with the messages given.
 */
async function agUiThreadWithAbortedFirst() {
  const hold = abortableHold();
  const { post, fake } = await serveAgUi(
    [turn.text('Zero done.'), turn.call('hold_on', {}), turn.text('Next done.')],
    { agent: { tools: [hold.tool] } },
  );
  const run = threadRuns(post, crypto.randomUUID());
  const zero = { id: 'm-0', role: 'user', content: 'Zero.' };
  const zeroDone = { id: 'm-1', role: 'assistant', content: 'Zero done.' };
  const first = { id: 'm-2', role: 'user', content: 'First.' };
  await run([zero]);
  const page = new AbortController();
  const held = run([zero, zeroDone, first], page.signal).catch(() => undefined);
  await hold.started;
  page.abort();
  await held;
  await hold.aborted;
  return { run, fake, zero, zeroDone, first };
}

/** `Zero.` answered, `First.` held and aborted, `Second.` and `Third.` answered. */
const script = () => [
  turn.text('Zero done.'),
  turn.call('hold_on', {}),
  turn.text('Second done.'),
  turn.text('Third done.'),
];

describe('a send its client aborts, at each door (the conversation is what the client holds)', () => {
  it('AG-UI: HttpAgent.abortRun() keeps the message on the page, and the thread takes it back with the next run', async () => {
    const hold = abortableHold();
    const { client, events, fake, errors } = await serveAgUi(script(), {
      agent: { tools: [hold.tool] },
    });
    const http: HttpAgent = client('alice', crypto.randomUUID());
    await events(http, 'Zero.');
    http.addMessage({ id: crypto.randomUUID(), role: 'user', content: 'First.' });
    const aborted = http.runAgent({}).catch((error: unknown) => error);
    await hold.started;
    http.abortRun();
    await aborted;
    await hold.aborted;
    // The page still shows it: the client holds the conversation.
    expect(http.messages.some((message) => message.content === 'First.')).toBe(true);
    const second = await events(http, 'Second.');
    expect(second.seen.at(-1)?.type).toBe('RUN_FINISHED');
    expect(userTexts(fake.requests)).toEqual(['Zero.', 'First.', 'Second.']);
    expect(modelTexts(fake.requests)).toEqual(['Zero done.']);
    // Stored with the turn that answered it, once: the next run sends it from the thread.
    await events(http, 'Third.');
    expect(fake.requests).toHaveLength(4);
    expect(userTexts(fake.requests)).toEqual(['Zero.', 'First.', 'Second.', 'Third.']);
    expect(modelTexts(fake.requests)).toEqual(['Zero done.', 'Second done.']);
    expect(errors).toEqual([]);
  });

  it('AG-UI: a retry that sends the aborted message again as its last sends it once', async () => {
    const { run, fake, zero, zeroDone, first } = await agUiThreadWithAbortedFirst();
    await run([zero, zeroDone, first]);
    expect(userTexts(fake.requests)).toEqual(['Zero.', 'First.']);
  });

  it('AG-UI: a page that dropped the aborted message (an edit) sends the thread without it', async () => {
    const { run, fake, zero, zeroDone } = await agUiThreadWithAbortedFirst();
    await run([zero, zeroDone, { id: 'm-3', role: 'user', content: 'Edited.' }]);
    expect(userTexts(fake.requests)).toEqual(['Zero.', 'Edited.']);
  });

  it('OpenAI Responses, `conversation`: an aborted response adds nothing to it (its items are added once it completes)', async () => {
    const hold = abortableHold();
    const { client, fake, errors } = await serveOpenAI(script(), { agent: { tools: [hold.tool] } });
    const create = (input: string, signal?: AbortSignal) =>
      client().responses.create(
        { model: 'support-agent', input, conversation: 'c-1' },
        signal === undefined ? {} : { signal },
      );
    await create('Zero.');
    const abort = new AbortController();
    const held = create('First.', abort.signal).catch((error: unknown) => error);
    await hold.started;
    abort.abort();
    await held;
    await hold.aborted;
    // The door frees the conversation when the aborted run settles; until then a send is 409
    // conversation_locked, which the client is told to retry (polled as failed-response-items'
    // test does: the test's own limit is the hang guard).
    for (;;) {
      try {
        expect((await create('Second.')).output_text).toBe('Second done.');
        break;
      } catch (error) {
        expect((error as { code?: string }).code).toBe('conversation_locked');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(userTexts(fake.requests)).toEqual(['Zero.', 'Second.']);
    expect(errors).toEqual([]);
  });

  it('A2A: a canceled task keeps its message in its own history; the context goes on from the completed tasks', async () => {
    const hold = abortableHold();
    const { client, fake, errors } = await serveA2A(script(), { agent: { tools: [hold.tool] } });
    const a2a = await client();
    const contextId = crypto.randomUUID();
    await a2a.sendMessage(userMessage('Zero.', { contextId }) as never);
    const stream = a2a.sendMessageStream(userMessage('First.', { contextId }) as never);
    const first = await stream.next();
    const payload = (first.value as StreamResponse).payload;
    if (payload?.$case !== 'task') throw new Error('the stream starts with the task');
    await hold.started;
    const canceled = await a2a.cancelTask({ id: payload.value.id } as never);
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    await hold.aborted;
    for await (const _event of { [Symbol.asyncIterator]: () => stream }) {
      // Read to its end.
    }
    const read = await a2a.getTask({ id: payload.value.id } as never);
    expect(JSON.stringify(read.history)).toContain('First.');
    const second = (await a2a.sendMessage(userMessage('Second.', { contextId }) as never)) as Task;
    expect(second.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(userTexts(fake.requests)).toEqual(['Zero.', 'Second.']);
    expect(errors).toEqual([]);
  });
});
