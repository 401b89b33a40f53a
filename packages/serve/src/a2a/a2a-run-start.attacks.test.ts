import type { Task } from '@a2a-js/sdk';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { storeWhoseClearThrows } from '../door/__fixtures__/store-whose-clear-throws.ts';
import { TRACER_SECRET, tracerThatThrows } from '../door/__fixtures__/tracer-that-throws.ts';
import { serveA2A, userMessage } from './__fixtures__/serve-a2a.ts';

// doors67: a task whose run fails as it starts (here the door's tracer throws as it opens the
// span, before the agent's run exists), as openai67 found on the OpenAI door's streams. The
// executor released the context and threw, so the A2A SDK failed the task in its own words
// ("Agent execution error: The agent failed; the door told its onError.", the door's words to
// the SDK, never meant for a client) with no `code`, where every other failed run of this door
// says "The run failed." with `metadata.code`; and the SDK wrote the failure to stderr.

/** What a failed task tells its client: the status message's text and its code. */
const told = (task: Task | undefined) => ({
  state: task?.status?.state,
  text: JSON.stringify(task?.status?.message?.parts),
  code: task?.status?.message?.metadata?.['code'],
});

describe('an A2A task whose run fails as it starts (doors67)', () => {
  it('unary: the task failed as any failed run is, onError told once, the context answers next', async () => {
    const { client, errors } = await serveA2A([turn.text('Answered.')], {
      handler: { tracerProvider: tracerThatThrows() },
    });
    const alice = await client();
    const failed = (await alice.sendMessage(
      userMessage('Hi.', { contextId: 'c1' }) as never,
    )) as Task;
    expect(JSON.stringify(failed)).not.toContain(TRACER_SECRET);
    expect(told(failed)).toEqual({
      state: 4,
      text: expect.stringContaining('The run failed.'),
      code: 'run_failed',
    });
    expect(told(failed).text).not.toContain('onError');
    expect(errors).toHaveLength(1);
    const next = (await alice.sendMessage(
      userMessage('Again.', { contextId: 'c1' }) as never,
    )) as Task;
    expect(next.status?.state).toBe(3);
    expect(errors).toHaveLength(1);
  });

  it('streamed: the last event fails the task in the same words, the context answers next', async () => {
    const { client, errors } = await serveA2A([turn.text('Answered.')], {
      handler: { tracerProvider: tracerThatThrows() },
    });
    const alice = await client();
    const events: { payload?: { $case: string; value: { status?: Task['status'] } } }[] = [];
    for await (const event of alice.sendMessageStream(
      userMessage('Hi.', { contextId: 'c1' }) as never,
    )) {
      events.push(event as never);
    }
    expect(JSON.stringify(events)).not.toContain(TRACER_SECRET);
    const last = events.at(-1)?.payload;
    expect(last?.$case).toBe('statusUpdate');
    expect(told({ status: last?.value.status } as Task)).toEqual({
      state: 4,
      text: expect.stringContaining('The run failed.'),
      code: 'run_failed',
    });
    expect(errors).toHaveLength(1);
    const next = (await alice.sendMessage(
      userMessage('Again.', { contextId: 'c1' }) as never,
    )) as Task;
    expect(next.status?.state).toBe(3);
  });

  it('a store whose clear throws at once as the bound forgets a context: the task completes, the context stays free', async () => {
    // HistoryStore.clear may return void: a synchronous store throws, not rejects. The door
    // claimed the new context, then forgot the oldest past maxContexts: the throw rejected the
    // executor, and the context stayed claimed, every later task of it refused for good.
    const store = storeWhoseClearThrows(TRACER_SECRET);
    const { client, errors } = await serveA2A(
      [turn.text('One.'), turn.text('Two.'), turn.text('Three.')],
      { handler: { store, maxContexts: 1 } },
    );
    const alice = await client();
    const send = async (text: string, contextId: string) =>
      (await alice.sendMessage(userMessage(text, { contextId }) as never)) as Task;
    expect((await send('Hi.', 'c1')).status?.state).toBe(3);
    const second = await send('Hi.', 'c2');
    expect(JSON.stringify(second)).not.toContain(TRACER_SECRET);
    expect(second.status?.state).toBe(3);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect((await send('Again.', 'c2')).status?.state).toBe(3);
  });
});
