import { defineTool } from '@gemloop/core';
import { createMemoryHistoryStore, type HistoryStore } from '@gemloop/core/chat';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { until } from '../door/__fixtures__/client-gone.ts';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// A client that leaves while a tool that ignores its abort signal runs (attack49b feared the
// thread would answer 409 `thread_busy` until the tool returned, minutes perhaps). The run is
// aborted when the client goes, and the thread is released then (not once the run unwound); the
// agent leaves the tool running unheard (its `runToolCall`), so the next run is served while the
// tool still runs, and what it returns late reaches no one: not the thread's history, not the
// model, not a client.

const runInput = (runId: string, messages: { id: string; content: string }[]) =>
  JSON.stringify({
    threadId: 't1',
    runId,
    messages: messages.map((message) => ({ ...message, role: 'user' })),
    tools: [],
    context: [],
    state: {},
    forwardedProps: {},
  });

describe('a client gone while a tool that ignores its signal runs', () => {
  it('frees the thread for the next run, and the late result is no part of it', async () => {
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let finishLate: () => void = () => {};
    const late = new Promise<void>((resolve) => {
      finishLate = resolve;
    });
    let returned = false;
    const stubborn = defineTool({
      name: 'stubborn_lookup',
      description: 'Looks up, whatever its signal says.',
      parameters: z.object({}),
      execute: async () => {
        started();
        await late;
        returned = true;
        return { note: 'LATE-RESULT-7' };
      },
    });
    const memory = createMemoryHistoryStore();
    const appended: string[] = [];
    const store: HistoryStore = {
      load: (id, context) => memory.load(id, context),
      append: (id, stored, context) => {
        appended.push(JSON.stringify(stored));
        return memory.append(id, stored, context);
      },
      clear: (id, context) => memory.clear(id, context),
    };
    const { post, fake, errors } = await serveAgUi(
      [turn.call('stubborn_lookup', {}), turn.text('Second answer.')],
      { agent: { tools: [stubborn] } as never, handler: { store } },
    );

    const client = new AbortController();
    const first = await post(
      runInput('r1', [{ id: 'm1', content: 'Look it up.' }]),
      {},
      client.signal,
    );
    expect(first.status).toBe(200);
    await running;
    client.abort();

    const second = await post(
      runInput('r2', [
        { id: 'm1', content: 'Look it up.' },
        { id: 'm2', content: 'Anything else?' },
      ]),
    );
    expect(second.status).toBe(200);
    const events = await second.text();
    expect(events).toContain('"type":"RUN_FINISHED"');
    expect(events).toContain('Second answer.');

    // The stubborn tool returns only now, its run long over: no model call, nothing saved.
    expect(returned).toBe(false);
    finishLate();
    await until(() => returned);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.requests).toHaveLength(2);
    expect(appended.join('\n')).not.toContain('LATE-RESULT-7');
    // The thread: the client's first message (a fresh thread's conversation), then run 2's turn.
    expect(appended).toHaveLength(2);
    expect(appended[1]).toContain('Second answer.');
    expect(events).not.toContain('LATE-RESULT-7');
    expect(errors).toEqual([]);
  });
});
