import type { Task } from '@a2a-js/sdk';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
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
});
