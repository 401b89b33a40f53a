import { type Task, TaskState } from '@a2a-js/sdk';
import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { gateTool, serveA2A, userMessage } from '../a2a/__fixtures__/serve-a2a.ts';
import { serveAgUi } from '../ag-ui/__fixtures__/serve-ag-ui.ts';
import { serveMcp } from '../mcp/__fixtures__/serve-mcp.ts';
import { serveOpenAI } from '../openai/__fixtures__/serve-openai.ts';
import { holdingTool } from './__fixtures__/holding-tool.ts';
import { lastRequestTexts } from './__fixtures__/last-request-texts.ts';

// attack54b (issue 53): attack54 read, and did not run, what each door does with a second send
// to one conversation while the first is still answering. Each door is sent two at once through
// its own client, the first held in a tool (`hold_on`) until the second has been answered; then a
// third send shows what the conversation stored: the first turn whole, the refused one nowhere
// (a lost turn or two answers woven into one history would show in the model's next request).

const lastUserTexts = (requests: readonly { body: unknown }[]) =>
  lastRequestTexts(requests, 'user');
const lastModelTexts = (requests: readonly { body: unknown }[]) =>
  lastRequestTexts(requests, 'model');

/** Three model requests, the last (the third send's) holding the first send's turn whole, no second. */
function expectFirstThenThird(requests: readonly { body: unknown }[]): void {
  expect(requests).toHaveLength(3);
  expect(lastUserTexts(requests)).toEqual(['First.', 'Third.']);
  expect(lastModelTexts(requests)).toEqual(['First done.']);
}

/** The first send calls `hold_on`, answers after it; the third is answered plainly. */
const script = () => [turn.call('hold_on', {}), turn.text('First done.'), turn.text('Third done.')];

describe('two sends at once to one conversation, at each door (attack54b)', () => {
  it('A2A: the second message of a working contextId is a rejected task; the history keeps the first only', async () => {
    const gate = gateTool();
    const { client, fake } = await serveA2A(script(), { agent: { tools: [gate.tool] } });
    const a2a = await client();
    const contextId = crypto.randomUUID();
    const first = a2a.sendMessage(userMessage('First.', { contextId }) as never) as Promise<Task>;
    await gate.started;
    const second = (await a2a.sendMessage(userMessage('Second.', { contextId }) as never)) as Task;
    expect(second.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(JSON.stringify(second.status?.message)).toContain('Another task of this context');
    gate.release();
    expect((await first).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const third = (await a2a.sendMessage(userMessage('Third.', { contextId }) as never)) as Task;
    expect(third.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expectFirstThenThird(fake.requests);
  });

  it('MCP: the second ask of a sessionId is refused (InvalidParams); the history keeps the first only', async () => {
    const gate = gateTool();
    const { httpClient, fake } = await serveMcp(script(), { agent: { tools: [gate.tool] } });
    const { client } = await httpClient();
    // A second connection of the same owner, as a second tab or process of the app would be.
    const { client: other } = await httpClient();
    const ask = (on: typeof client, message: string) =>
      on.callTool({ name: 'ask_support', arguments: { message, sessionId: 's-1' } });
    const first = ask(client, 'First.');
    await gate.started;
    const second = await ask(other, 'Second.').catch((error: unknown) => error);
    expect(String((second as Error).message)).toContain(
      'this session is answering another message',
    );
    gate.release();
    expect((await first).isError).not.toBe(true);
    expect((await ask(other, 'Third.')).isError).not.toBe(true);
    expectFirstThenThird(fake.requests);
  });

  it('AG-UI: the second run of a working threadId is 409 thread_busy; the history keeps the first only', async () => {
    const gate = gateTool();
    const { client, events, post, fake } = await serveAgUi(script(), {
      agent: { tools: [gate.tool] },
    });
    const threadId = crypto.randomUUID();
    const first = events(client('alice', threadId), 'First.');
    await gate.started;
    const second = await post(
      JSON.stringify({
        threadId,
        runId: crypto.randomUUID(),
        messages: [{ id: crypto.randomUUID(), role: 'user', content: 'Second.' }],
        tools: [],
        context: [],
        state: {},
        forwardedProps: {},
      }),
    );
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('thread_busy');
    gate.release();
    expect((await first).seen.at(-1)?.type).toBe('RUN_FINISHED');
    const third = await events(client('alice', threadId), 'Third.');
    expect(third.seen.at(-1)?.type).toBe('RUN_FINISHED');
    expectFirstThenThird(fake.requests);
  });

  it('OpenAI Responses, `conversation`: the second is 409 conversation_locked; the history keeps the first only', async () => {
    const gate = gateTool();
    const { client, fake } = await serveOpenAI(script(), { agent: { tools: [gate.tool] } });
    const create = (input: string) =>
      client().responses.create({ model: 'support-agent', input, conversation: 'c-1' });
    const first = create('First.');
    await gate.started;
    const second = await create('Second.').catch((error: unknown) => error);
    expect(second).toBeInstanceOf(OpenAI.ConflictError);
    expect((second as InstanceType<typeof OpenAI.APIError>).code).toBe('conversation_locked');
    gate.release();
    expect((await first).output_text).toBe('First done.');
    expect((await create('Third.')).output_text).toBe('Third done.');
    expectFirstThenThird(fake.requests);
  });

  it('OpenAI Responses, one `previous_response_id` twice at once: the second is a branch of its own, neither sees the other', async () => {
    const gate = gateTool();
    const { client, fake } = await serveOpenAI(
      [
        turn.text('Zero done.'),
        turn.call('hold_on', {}),
        turn.text('Branch done.'),
        turn.text('First done.'),
        turn.text('Third done.'),
        turn.text('Branch again.'),
      ],
      { agent: { tools: [gate.tool] } },
    );
    const create = (input: string, previous: string) =>
      client().responses.create({ model: 'support-agent', input, previous_response_id: previous });
    const zero = await client().responses.create({ model: 'support-agent', input: 'Zero.' });
    const first = create('First.', zero.id);
    await gate.started;
    const branch = await create('Second.', zero.id);
    expect(branch.output_text).toBe('Branch done.');
    expect(lastUserTexts(fake.requests)).toEqual(['Zero.', 'Second.']);
    gate.release();
    const firstDone = await first;
    expect(firstDone.output_text).toBe('First done.');
    expect(lastUserTexts(fake.requests)).toEqual(['Zero.', 'First.']);
    expect(lastModelTexts(fake.requests)).toEqual(['Zero done.']);
    // Each line goes on with its own turns only.
    expect((await create('Third.', firstDone.id)).output_text).toBe('Third done.');
    expect(lastUserTexts(fake.requests)).toEqual(['Zero.', 'First.', 'Third.']);
    expect(lastModelTexts(fake.requests)).toEqual(['Zero done.', 'First done.']);
    expect((await create('Fourth.', branch.id)).output_text).toBe('Branch again.');
    expect(lastUserTexts(fake.requests)).toEqual(['Zero.', 'Second.', 'Fourth.']);
    expect(lastModelTexts(fake.requests)).toEqual(['Zero done.', 'Branch done.']);
  });

  it('OpenAI Responses: `previous_response_id` of a response still streaming is not found until it is done; then it continues it whole', async () => {
    const gate = gateTool();
    const { client, fake } = await serveOpenAI(script(), { agent: { tools: [gate.tool] } });
    const stream = await client().responses.create({
      model: 'support-agent',
      input: 'First.',
      stream: true,
    });
    const reading = stream[Symbol.asyncIterator]();
    // The stream names the response's id at once (`response.created`), long before it ends.
    const created = (await reading.next()).value as { type: string; response: { id: string } };
    expect(created.type).toBe('response.created');
    await gate.started;
    const early = await client()
      .responses.create({
        model: 'support-agent',
        input: 'Second.',
        previous_response_id: created.response.id,
      })
      .then(
        () => undefined,
        (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
      );
    expect([early?.status, early?.code]).toEqual([404, 'previous_response_not_found']);
    gate.release();
    for (let next = await reading.next(); next.done !== true; next = await reading.next()) {}
    const third = await client().responses.create({
      model: 'support-agent',
      input: 'Third.',
      previous_response_id: created.response.id,
    });
    expect(third.output_text).toBe('Third done.');
    expectFirstThenThird(fake.requests);
  });

  it('AG-UI: a page that reloads mid-run (its first request gone, its tool deaf to the abort) sends at once: answered, and the dropped result lands nowhere', async () => {
    // The door frees the thread as soon as the client is gone, not once the run has unwound
    // (create-ag-ui-handler.ts `releaseThread`): the reload's run and the old run's tool overlap.
    const hold = holdingTool({ late: 'LATE RESULT' });
    const { client, events, post, fake } = await serveAgUi(
      [turn.call('hold_on', {}), turn.text('Second done.'), turn.text('Third done.')],
      { agent: { tools: [hold.tool] } },
    );
    const threadId = crypto.randomUUID();
    const page = new AbortController();
    const running = hold.nextStart();
    const first = post(
      JSON.stringify({
        threadId,
        runId: crypto.randomUUID(),
        messages: [{ id: crypto.randomUUID(), role: 'user', content: 'First.' }],
        tools: [],
        context: [],
        state: {},
        forwardedProps: {},
      }),
      {},
      page.signal,
    ).then((response) => response.text());
    await running;
    page.abort();
    await first.catch(() => {});
    const second = await events(client('alice', threadId), 'Second.');
    expect(second.seen.at(-1)?.type).toBe('RUN_FINISHED');
    hold.release();
    const third = await events(client('alice', threadId), 'Third.');
    expect(third.seen.at(-1)?.type).toBe('RUN_FINISHED');
    expect(fake.requests).toHaveLength(3);
    // The aborted run left no turn (a send that did not finish leaves the thread as it was): no
    // late result, no call without its answer.
    expect(fake.requests[2]?.body).toMatchObject({
      contents: [
        { role: 'user', parts: [{ text: 'Second.' }] },
        { role: 'model', parts: [{ text: 'Second done.' }] },
        { role: 'user', parts: [{ text: 'Third.' }] },
      ],
    });
    expect(JSON.stringify(fake.requests[2]?.body)).not.toContain('LATE RESULT');
    expect(lastUserTexts(fake.requests)).toEqual(['Second.', 'Third.']);
    expect(lastModelTexts(fake.requests)).toEqual(['Second done.']);
  });
});
