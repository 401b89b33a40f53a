import type { AgentExecutor, ExecutionEventBus, RequestContext } from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';
import {
  EXECUTOR_FAILED,
  ExecutorFailedError,
  quietExecutor,
  TaskStoreFailedError,
  unlessReported,
} from './quiet-task-store.ts';

// The A2A SDK logs what an executor's `execute` rejects with (stack and all) and puts its message
// in the failed task. Over the wire, a2a-logs.attacks.test.ts drove this with a run whose start
// threw, which the door now answers itself (doors67): so the wrapper is pinned here.

const SECRET = 'postgres://admin:hunter2@10.0.0.5/tasks';

function executorRejecting(error: unknown): AgentExecutor {
  return {
    execute: async () => {
      throw error;
    },
    cancelTask: async () => {},
  };
}

const request = {} as RequestContext;
const bus = {} as ExecutionEventBus;

describe('quietExecutor', () => {
  it('hands the SDK fixed words, no cause, a stack of its name only; onError gets the error once', async () => {
    const errors: unknown[] = [];
    const thrown = new Error(`lost ${SECRET}`);
    const executor = quietExecutor(executorRejecting(thrown), (error) => errors.push(error));
    const seen = await executor.execute(request, bus).catch((error: unknown) => error);
    expect(seen).toBeInstanceOf(ExecutorFailedError);
    expect((seen as Error).message).toBe(EXECUTOR_FAILED);
    expect(String((seen as Error).stack)).not.toContain(SECRET);
    expect(String((seen as Error).stack)).not.toContain('quiet-task-store');
    expect((seen as Error).cause).toBeUndefined();
    expect(errors).toEqual([thrown]);
  });

  it('passes an error already told (a task store failure) as it is, telling no one again', async () => {
    const errors: unknown[] = [];
    const told = new TaskStoreFailedError();
    const executor = quietExecutor(executorRejecting(told), (error) => errors.push(error));
    await expect(executor.execute(request, bus)).rejects.toBe(told);
    expect(errors).toEqual([]);
  });

  it('unlessReported drops what was told where it happened', () => {
    const errors: unknown[] = [];
    const onError = unlessReported((error) => errors.push(error));
    const other = new Error('other');
    onError(new ExecutorFailedError());
    onError(other);
    expect(errors).toEqual([other]);
  });
});
