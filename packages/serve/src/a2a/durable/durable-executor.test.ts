import { type Task, TaskState } from '@a2a-js/sdk';
import {
  type AgentExecutionEvent,
  DefaultExecutionEventBus,
  RequestContext,
  ServerCallContext,
} from '@a2a-js/sdk/server';
import type { AgentEvent } from '@gemloop/core';
import { GemloopError } from '@gemloop/core/errors';
import { PluginError } from '@gemloop/core/plugins';
import { describe, expect, it } from 'vitest';
import { PNG } from '../../door/__fixtures__/media-samples.ts';
import { ownerUser } from '../json-rpc/json-rpc-reply.ts';
import type { A2ADurablePendingApproval, A2ADurableRuns } from './durable-a2a-runs.ts';
import { createDurableExecutor } from './durable-executor.ts';

// The durable executor against runs whose reads are watched: what it asks of the stored events
// (a signal a cancel aborts) and what it sends of the run's end (the stored run-end's result,
// without the keys the worker removed, never the raw stored result).

/** The signals each `events()` read was given, and runs whose reads wait until aborted. */
function watchedRuns(overrides: Partial<A2ADurableRuns> = {}) {
  const signals: (AbortSignal | undefined)[] = [];
  const runs: A2ADurableRuns = {
    start: async (_agent, { runId }) => ({ runId }),
    // A run that writes nothing more: a read waits for its next event, as DBOS polls for it.
    async *events(_runId, options = {}) {
      signals.push(options.signal);
      await new Promise<void>((resolve) => {
        if (options.signal?.aborted) resolve();
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    },
    status: async () => ({ status: 'PENDING' }),
    result: async () => ({ text: '' }),
    cancel: async () => {},
    ...overrides,
  };
  return { runs, signals };
}

function request(taskId: string, text: string, task?: Task): RequestContext {
  return new RequestContext(
    {
      message: {
        messageId: crypto.randomUUID(),
        role: 1,
        parts: [{ content: { $case: 'text', value: text } }],
        taskId,
        contextId: 'ctx-1',
      },
    } as never,
    taskId,
    'ctx-1',
    new ServerCallContext({ user: ownerUser('alice') }),
    task,
  );
}

function recordingBus() {
  const bus = new DefaultExecutionEventBus();
  const events: AgentExecutionEvent[] = [];
  bus.on('event', (event) => events.push(event));
  return { bus, events };
}

/** Resolves once `signals` holds `count` reads. */
async function readsStarted(signals: readonly unknown[], count: number): Promise<void> {
  while (signals.length < count) await new Promise((resolve) => setImmediate(resolve));
}

describe('the durable A2A executor', () => {
  it('a run whose start throws (at once, as a runs object of your own may) fails its task in fixed words; onError told once; the next task starts', async () => {
    // doors67: the in-process doors started some runs outside the `try` that answers a failure;
    // this door's start was inside its own, which this pins.
    const secret = 'postgres://dbos:hunter2@10.0.0.5/runs';
    let starts = 0;
    const { runs } = watchedRuns({
      start: (_agent, { runId }) => {
        starts += 1;
        if (starts === 1) throw new Error(`pool exhausted at ${secret}`);
        return Promise.resolve({ runId });
      },
      events: async function* () {},
      status: async () => ({ status: 'SUCCESS' }),
    });
    const errors: unknown[] = [];
    const executor = createDurableExecutor({
      durable: { runs, agent: 'support' },
      onError: (error) => errors.push(error),
    });
    const first = recordingBus();
    await executor.execute(request('task-1', 'Hello.'), first.bus);
    expect(JSON.stringify(first.events)).not.toContain('hunter2');
    const failed = first.events
      .map((event) => (event.data as { status?: Task['status'] }).status)
      .find((status) => status?.state === TaskState.TASK_STATE_FAILED);
    expect(failed?.message?.metadata).toEqual({ code: 'run_not_started' });
    expect(JSON.stringify(failed?.message?.parts)).toContain('The task could not be started.');
    expect(errors).toHaveLength(1);
    expect(executor.isWorking('alice', 'task-1')).toBe(false);
    const second = recordingBus();
    await executor.execute(request('task-2', 'Again.'), second.bus);
    expect(starts).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it("a cancelled task's follower stops reading the run's events (its read is aborted, not left to poll)", async () => {
    const { runs, signals } = watchedRuns();
    const executor = createDurableExecutor({
      durable: { runs, agent: 'support' },
      onError: (error) => {
        throw error;
      },
    });
    const { bus, events } = recordingBus();
    const executed = executor.execute(request('task-1', 'Hello.'), bus);
    await readsStarted(signals, 1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]?.aborted).toBe(false);
    await executor.cancelTask('task-1', bus);
    expect(signals[0]?.aborted).toBe(true);
    // The follower returns at the abort (it waited for an event that never came).
    await executed;
    expect(executor.isWorking('alice', 'task-1')).toBe(false);
    const states = events.map((event) => (event.data as { status?: { state?: TaskState } }).status);
    expect(states.filter((status) => status?.state === TaskState.TASK_STATE_CANCELED)).toHaveLength(
      1,
    );
  });

  it("an answer's search for the waiting call's event is aborted by a cancel (an event that never comes)", async () => {
    const pending: A2ADurablePendingApproval[] = [
      { approvalId: 'a-1', toolCallId: 'c-1', toolName: 'refund', stepNumber: 1 },
    ];
    const cancelled: unknown[] = [];
    const approved: unknown[] = [];
    const { runs, signals } = watchedRuns({
      pendingApprovals: async () => pending,
      approve: async (...args) => {
        approved.push(args);
      },
      cancel: async (runId, options) => {
        cancelled.push([runId, options]);
      },
    });
    const executor = createDurableExecutor({
      durable: { runs, agent: 'support' },
      onError: () => {},
    });
    const task = {
      id: 'task-2',
      contextId: 'ctx-1',
      status: { state: TaskState.TASK_STATE_INPUT_REQUIRED },
      history: [],
      artifacts: [],
    } as unknown as Task;
    const { bus, events } = recordingBus();
    const answer = request('task-2', 'approve', task);
    const executed = executor.execute(answer, bus);
    await readsStarted(signals, 1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    await executor.cancelTask('task-2', bus);
    expect(signals[0]?.aborted).toBe(true);
    await executed;
    // The run is cancelled for its owner (no follower held it yet), the task goes canceled, and
    // nothing is approved on a read cut short: the answer is refused, saying so.
    expect(cancelled).toEqual([['task-2', { owner: 'alice' }]]);
    expect(approved).toEqual([]);
    expect(events.map((event) => event.data)).toMatchObject([
      { taskId: 'task-2', contextId: 'ctx-1', status: { state: TaskState.TASK_STATE_CANCELED } },
    ]);
    expect(executor.refusalOf(answer.context)?.message).toMatch(/cancel/i);
  });

  it('a cancel while an answer records its decisions (read done, no follower yet) cancels the run, and the answer follows nothing', async () => {
    // leftovers42: the answer let its search go once its calls were read and registered as the
    // task's follower only after its decisions landed; a cancel between the two found neither,
    // cancelled nothing and published nothing, and the answer then followed the run on.
    const pending: A2ADurablePendingApproval[] = [
      { approvalId: 'a-1', toolCallId: 'c-1', toolName: 'refund', stepNumber: 1 },
    ];
    const cancelled: unknown[] = [];
    let entered!: () => void;
    const approving = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { runs, signals } = watchedRuns({
      pendingApprovals: async () => pending,
      // The waiting call's event, then a run that writes nothing more.
      async *events(_runId, options = {}) {
        signals.push(options.signal);
        yield {
          offset: 0,
          event: {
            type: 'tool-call',
            path: [],
            stepNumber: 1,
            toolCallId: 'c-1',
            toolName: 'refund',
            args: {},
          } as unknown as AgentEvent,
        };
        await new Promise<void>((resolve) => {
          if (options.signal?.aborted) resolve();
          options.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
      },
      approve: async () => {
        entered();
        await released;
      },
      cancel: async (runId, options) => {
        cancelled.push([runId, options]);
      },
    });
    const executor = createDurableExecutor({
      durable: { runs, agent: 'support' },
      onError: () => {},
    });
    const task = {
      id: 'task-4',
      contextId: 'ctx-1',
      status: { state: TaskState.TASK_STATE_INPUT_REQUIRED },
      history: [],
      artifacts: [],
    } as unknown as Task;
    const { bus, events } = recordingBus();
    const answer = request('task-4', 'approve', task);
    const executed = executor.execute(answer, bus);
    await approving;
    await executor.cancelTask('task-4', bus);
    expect(cancelled).toEqual([['task-4', { owner: 'alice' }]]);
    release();
    await executed;
    // One read (the answer's search): no follower started after the cancel.
    expect(signals).toHaveLength(1);
    expect(executor.isWorking('alice', 'task-4')).toBe(false);
    expect(events.map((event) => event.data)).toMatchObject([
      { taskId: 'task-4', contextId: 'ctx-1', status: { state: TaskState.TASK_STATE_CANCELED } },
    ]);
    expect(executor.refusalOf(answer.context)?.message).toMatch(/cancel/i);
  });

  it("sends the stored run-end's answer (keys removed by the worker), not the stored result's words", async () => {
    const key = 'AIzaSyD-secret-key-0123456789abcdefghij';
    const stored: { offset: number; event: AgentEvent }[] = [
      {
        offset: 0,
        event: {
          type: 'text-delta',
          path: [],
          stepNumber: 1,
          text: 'the key is [redacted]',
        } as AgentEvent,
      },
      {
        offset: 1,
        event: {
          type: 'run-end',
          result: { text: 'the key is [redacted]' },
        } as unknown as AgentEvent,
      },
    ];
    const { runs } = watchedRuns({
      async *events() {
        yield* stored;
      },
      status: async () => ({ status: 'SUCCESS' }),
      // The result DBOS stored: the model's own words, which a chat's next turn sends back.
      result: async () => ({ text: `the key is ${key}` }),
    });
    const executor = createDurableExecutor({
      durable: { runs, agent: 'support' },
      onError: (error) => {
        throw error;
      },
    });
    const { bus, events } = recordingBus();
    await executor.execute(request('task-3', 'What is the key?'), bus);
    const sent = JSON.stringify(events);
    expect(sent).not.toContain(key);
    const last = events.findLast((event) => event.kind === 'artifactUpdate')?.data as {
      artifact: { parts: { content: { value: string } }[] };
      lastChunk: boolean;
    };
    expect(last.lastChunk).toBe(true);
    expect(last.artifact.parts[0]?.content.value).toBe('the key is [redacted]');
    expect(events.at(-1)?.data).toMatchObject({
      status: { state: TaskState.TASK_STATE_COMPLETED },
    });
  });

  it("fails a task by its run's own error, as in process: a plugin's code and words, not durable-run's (errors43)", async () => {
    // @gemloop/dbos's DurableRunError (by its code: serve does not depend on dbos), whose cause is
    // the run's error read back as its class.
    class DurableRunError extends GemloopError {
      override readonly code = 'durable-run';
    }
    const run = { contents: [], newContents: [], steps: [], usage: {} } as never;
    const secret = 'postgres://app:hunter2@10.0.0.5/audit';
    const failure = (cause: unknown) =>
      new DurableRunError({ message: `Durable run ended with status ERROR: ${secret}`, cause });
    const told = async (thrown: unknown) => {
      const { runs } = watchedRuns({
        async *events() {},
        status: async () => ({ status: 'ERROR' }),
        result: async () => {
          throw thrown;
        },
      });
      const executor = createDurableExecutor({
        durable: { runs, agent: 'support' },
        onError: () => {},
      });
      const { bus, events } = recordingBus();
      await executor.execute(request(`task-${crypto.randomUUID()}`, 'Hi'), bus);
      const sent = JSON.stringify(events.at(-1));
      expect(events.at(-1)?.data).toMatchObject({ status: { state: TaskState.TASK_STATE_FAILED } });
      expect(JSON.stringify(events)).not.toContain('hunter2');
      return sent;
    };
    const plugin = new PluginError({
      plugin: 'audit',
      hook: 'beforeModelCall',
      run,
      cause: new Error(secret),
    });
    const pluginSent = await told(failure(plugin));
    expect(pluginSent).toContain('A plugin of the agent failed.');
    expect(pluginSent).toContain('"plugin"');
    // A cause that is none of gemloop's (a user's class, kept plain): the DurableRunError's own.
    const plainSent = await told(failure(new Error(secret)));
    // page-words44: durable-run's own words, where it read 'The run failed.' (no words).
    expect(plainSent).toContain('The run did not finish.');
    expect(plainSent).toContain('durable-run');
  });
});

describe('the durable executor: files', () => {
  const withParts = (taskId: string, parts: unknown[]) =>
    new RequestContext(
      {
        message: { messageId: crypto.randomUUID(), role: 1, parts, taskId, contextId: 'ctx-1' },
      } as never,
      taskId,
      'ctx-1',
      new ServerCallContext({ user: ownerUser('alice') }),
    );

  it("starts the run with the message's file as inlineData beside its text, in order", async () => {
    const inputs: unknown[] = [];
    const { runs } = watchedRuns({
      start: async (_agent, { runId, input }) => {
        inputs.push(input);
        return { runId };
      },
      async *events() {
        yield {
          offset: 0,
          event: { type: 'run-end', result: { text: 'A dot.' } } as unknown as AgentEvent,
        };
      },
      status: async () => ({ status: 'SUCCESS' }),
      result: async () => ({ text: 'A dot.' }),
    });
    const executor = createDurableExecutor({
      durable: { runs, agent: 'support' },
      onError: () => {},
    });
    const { bus } = recordingBus();
    await executor.execute(
      withParts('task-f1', [
        { content: { $case: 'text', value: 'What is this?' } },
        { content: { $case: 'raw', value: Buffer.from(PNG, 'base64') }, mediaType: 'image/png' },
      ]),
      bus,
    );
    expect(inputs).toEqual([
      [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: PNG } }],
    ]);
  });

  it('rejects a file by remote URL without starting a run', async () => {
    const inputs: unknown[] = [];
    const { runs } = watchedRuns({
      start: async (_agent, { runId, input }) => {
        inputs.push(input);
        return { runId };
      },
    });
    const executor = createDurableExecutor({
      durable: { runs, agent: 'support' },
      onError: () => {},
    });
    const { bus, events } = recordingBus();
    await executor.execute(
      withParts('task-f2', [
        { content: { $case: 'url', value: 'http://169.254.169.254/x' }, mediaType: 'image/png' },
      ]),
      bus,
    );
    expect(inputs).toEqual([]);
    expect(events.at(-1)?.data).toMatchObject({ status: { state: TaskState.TASK_STATE_REJECTED } });
    expect(JSON.stringify(events.at(-1))).toContain('message.parts[0]');
  });
});
