import { DBOS, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import { assertStillOwnsWorkflow } from '@dbos-inc/dbos-sdk/datasource';
import { defineTool, type ToolExecuteContext } from '@gemloop/core';
import { safeToolErrorMessage } from '@gemloop/core/guardrails';
import { computerUse } from '@gemloop/core/tools';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { DurableReplayMismatchError } from '../../errors/durable-replay-mismatch-error.ts';
import { createOwnershipConfirmations } from '../fleet/ownership-confirmations.ts';
import { durableContext, toDurableTool } from './durable-tool.ts';
import { isDurableRunEnding } from './is-durable-run-ending.ts';

vi.mock('@dbos-inc/dbos-sdk/datasource', () => ({ assertStillOwnsWorkflow: vi.fn() }));

const context = (step: number, callIndex: number, toolCallId: string): ToolExecuteContext =>
  ({
    signal: new AbortController().signal,
    toolCallId,
    step,
    callIndex,
    contents: [],
  }) as unknown as ToolExecuteContext;

describe('toDurableTool inside a run', () => {
  const stepNames: string[] = [];
  beforeEach(() => {
    stepNames.length = 0;
    vi.spyOn(DBOS, 'workflowID', 'get').mockReturnValue('run-1');
    vi.spyOn(DBOS, 'isInWorkflow').mockReturnValue(true);
    vi.spyOn(DBOS, 'stepStatus', 'get').mockReturnValue(undefined);
    vi.spyOn(DBOS, 'runStep').mockImplementation(async (body, config) => {
      stepNames.push(config?.name ?? '');
      return body();
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.mocked(assertStillOwnsWorkflow).mockReset();
  });

  it('keys the idempotency key and the step by the call place as well as its id', async () => {
    const keys: string[] = [];
    const tool = toDurableTool(
      defineTool({
        name: 'refund',
        parameters: z.object({}),
        execute: (_args, toolContext) => {
          keys.push(durableContext(toolContext)?.idempotencyKey ?? 'none');
          return 'ok';
        },
      }),
      (body) => body(),
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    await tool.execute({}, context(2, 0, 'dup'));
    await tool.execute({}, context(2, 1, 'dup'));
    expect(keys).toEqual(['run-1:2.0:dup', 'run-1:2.1:dup']);
    expect(stepNames).toEqual(['gemloop.tool:refund@2.0:dup', 'gemloop.tool:refund@2.1:dup']);
  });

  it('gives a well-formed key for a call id with a lone surrogate, the form a UTF-8 store reads back (leftovers59)', async () => {
    // A service that keeps the key (a Postgres unique column, a JSON body) stores the lone half as
    // U+FFFD: a tool that compares the key it stored with the one it is given must see them equal.
    const keys: string[] = [];
    const tool = toDurableTool(
      defineTool({
        name: 'refund',
        parameters: z.object({}),
        execute: (_args, toolContext) => {
          keys.push(durableContext(toolContext)?.idempotencyKey ?? 'none');
          return 'ok';
        },
      }),
      (body) => body(),
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    await tool.execute({}, context(2, 0, 'call_\uD83D_7'));
    await tool.execute({}, context(2, 1, 'call_\uDE00_7'));
    // A long id is not cut: the key of every well-formed id is what it was.
    const long = `${'a'.repeat(150)}😀`;
    await tool.execute({}, context(2, 2, long));
    expect(keys).toEqual([
      'run-1:2.0:call_\uFFFD_7',
      'run-1:2.1:call_\uFFFD_7',
      `run-1:2.2:${long}`,
    ]);
    // What node-postgres writes for a text parameter, read back.
    for (const key of keys) expect(Buffer.from(key, 'utf8').toString('utf8')).toBe(key);
  });

  it('starts the step before its first await, so calls started in call order get their step ids in call order', () => {
    const tool = toDurableTool(
      defineTool({ name: 'lookup', parameters: z.object({}), execute: () => 'ok' }),
      (body) => body(),
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    // Not awaited: the step names must be taken synchronously, as DBOS takes the step ids.
    const running = [0, 1, 2].map((index) => tool.execute({}, context(3, index, `c${index}`)));
    expect(stepNames).toEqual([
      'gemloop.tool:lookup@3.0:c0',
      'gemloop.tool:lookup@3.1:c1',
      'gemloop.tool:lookup@3.2:c2',
    ]);
    return Promise.all(running);
  });

  it('hands the tool the very arguments object the plugins saw (an MCP run link pairs by it)', async () => {
    const seen: unknown[] = [];
    const tool = toDurableTool(
      defineTool({
        name: 'book_table',
        parameters: z.object({ people: z.number() }),
        execute: (args) => {
          seen.push(args);
          return 'ok';
        },
      }),
      (body) => body(),
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    // `wrapToolCall`'s `input` is the object `execute` gets: createMcpRunLink (@gemloop/tools)
    // finds the run of an MCP server's request by it, inside the tool's step too.
    const args = { people: 4 };
    await tool.execute(args, context(1, 0, 'c1'));
    expect(seen[0]).toBe(args);
  });

  it('bounds a long call id in the step name', async () => {
    const tool = toDurableTool(
      defineTool({ name: 'lookup', parameters: z.object({}), execute: () => 'ok' }),
      (body) => body(),
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    await tool.execute({}, context(1, 0, 'x'.repeat(5000)));
    expect(stepNames[0]).toBe(`gemloop.tool:lookup@1.0:${'x'.repeat(100)}…`);
  });

  it('a replay that meets another call at a recorded step fails with a typed error that ends the run', async () => {
    vi.mocked(DBOS.runStep).mockImplementation(async (_body, config) => {
      throw new DBOSErrors.DBOSUnexpectedStepError(
        'run-1',
        7,
        config?.name ?? '',
        'gemloop.tool:lookup@2.1:call-b',
      );
    });
    const execute = vi.fn(() => 'ran');
    const tool = toDurableTool(
      defineTool({ name: 'lookup', parameters: z.object({}), execute }),
      (body) => body(),
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    const error = await tool
      .execute({}, context(2, 1, 'call-a'))
      .catch((caught: unknown) => caught);
    expect(DurableReplayMismatchError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      runId: 'run-1',
      stepId: 7,
      expectedStep: 'gemloop.tool:lookup@2.1:call-a',
      recordedStep: 'gemloop.tool:lookup@2.1:call-b',
    });
    expect(isDurableRunEnding(error)).toBe(true);
    expect(execute).not.toHaveBeenCalled();
  });

  it("a built-in's client-run actions (computer use) are steps too, keyed by the call place", async () => {
    const actions: string[] = [];
    const tool = toDurableTool(
      computerUse({
        execute: (action) => {
          actions.push(action.name);
          return { url: 'http://127.0.0.1/' };
        },
      }),
      (body) => body(),
    );
    if (tool.kind !== 'builtin') throw new Error('not a built-in');
    expect(tool.tool).toEqual({ computerUse: { environment: 'ENVIRONMENT_BROWSER' } });
    const click = tool.handlers?.find((handler) => handler.name === 'click_at');
    if (click === undefined) throw new Error('no click_at handler');
    const value = await click.execute({ x: 1, y: 2 }, context(3, 0, 'c1'));
    expect(value).toMatchObject({ response: { url: 'http://127.0.0.1/' } });
    expect(actions).toEqual(['click_at']);
    expect(stepNames).toEqual(['gemloop.tool:click_at@3.0:c1']);
  });

  it('an execution that lost the run does not start the tool, and the ownership error is not the tool outcome', async () => {
    const lost = new DBOSErrors.DBOSWorkflowConflictError('run-1');
    vi.mocked(assertStillOwnsWorkflow).mockRejectedValue(lost);
    const execute = vi.fn(() => 'ran');
    const tool = toDurableTool(
      defineTool({ name: 'refund', parameters: z.object({}), execute }),
      (body) => body(),
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    await expect(tool.execute({}, context(1, 0, 'c1'))).rejects.toBe(lost);
    expect(execute).not.toHaveBeenCalled();
  });

  it("DBOS's ownership error thrown from inside the tool ends the execution: not recorded as the tool's outcome", async () => {
    const lost = new DBOSErrors.DBOSWorkflowConflictError('run-1');
    const recorded: unknown[] = [];
    vi.mocked(DBOS.runStep).mockImplementation(async (body) => {
      const value = await body();
      recorded.push(value);
      return value;
    });
    const tool = toDurableTool(
      defineTool({
        name: 'writes',
        parameters: z.object({}),
        execute: async () => {
          throw lost;
        },
      }),
      (body) => body(),
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    await expect(tool.execute({}, context(1, 0, 'c1'))).rejects.toBe(lost);
    expect(recorded).toEqual([]);
  });
  it("confirms the run's ownership for the next step when the tool step ran here, never when a replay handed back its record", async () => {
    vi.spyOn(DBOS, 'stepID', 'get').mockReturnValue(7);
    const ownership = createOwnershipConfirmations({ freshMs: 60_000 });
    const execute = vi.fn(() => 'ran');
    const tool = toDurableTool(
      defineTool({ name: 'refund', parameters: z.object({}), execute }),
      (body) => body(),
      undefined,
      ownership,
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    await tool.execute({}, context(1, 0, 'c1'));
    expect(assertStillOwnsWorkflow).toHaveBeenCalledTimes(1);
    expect(ownership.covers('run-1', 8)).toBe(true);

    // A replay: DBOS returns the recorded outcome without running the body.
    vi.mocked(DBOS.runStep).mockImplementation(async () => ({ ok: true, value: 'recorded' }));
    expect(await tool.execute({}, context(1, 0, 'c1'))).toBe('recorded');
    expect(ownership.covers('run-1', 8)).toBe(false);
  });

  it('confirms nothing when the ownership check failed (the tool did not start)', async () => {
    vi.spyOn(DBOS, 'stepID', 'get').mockReturnValue(7);
    vi.mocked(assertStillOwnsWorkflow).mockRejectedValue(
      new DBOSErrors.DBOSWorkflowConflictError('run-1'),
    );
    const ownership = createOwnershipConfirmations({ freshMs: 60_000 });
    const tool = toDurableTool(
      defineTool({ name: 'refund', parameters: z.object({}), execute: () => 'ran' }),
      (body) => body(),
      undefined,
      ownership,
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    await expect(tool.execute({}, context(1, 0, 'c1'))).rejects.toThrow();
    expect(ownership.covers('run-1', 8)).toBe(false);
  });
  it("records a failed tool's error as the model is told it: no password, address or client key in the row, the same text on replay", async () => {
    const clientKey = 'sk-gateway-0123456789abcdef';
    const records: unknown[] = [];
    vi.mocked(DBOS.runStep).mockImplementation(async (body) => {
      const outcome = await body();
      // What DBOS writes to dbos.operation_outputs, and reads back on replay.
      records.push(JSON.parse(JSON.stringify(outcome)));
      return outcome;
    });
    const tool = toDurableTool(
      defineTool({
        name: 'orders',
        parameters: z.object({}),
        execute: () => {
          const error = new TypeError(
            `connect failed: postgres://app:pw@10.0.0.5/db (key ${clientKey})`,
          ) as TypeError & { code: string };
          error.code = 'ECONNREFUSED';
          throw error;
        },
      }),
      (body) => body(),
      undefined,
      undefined,
      undefined,
      () => [clientKey],
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    const first = await tool.execute({}, context(1, 0, 'c1')).catch((error: unknown) => error);
    const row = JSON.stringify(records[0]);
    expect(row).not.toContain('pw@');
    expect(row).not.toContain('10.0.0.5');
    expect(row).not.toContain(clientKey);
    expect(records[0]).toMatchObject({ ok: false, name: 'TypeError', code: 'ECONNREFUSED' });

    // The replay: DBOS hands back the stored row without running the tool.
    vi.mocked(DBOS.runStep).mockImplementation(async () => records[0]);
    const replayed = await tool.execute({}, context(1, 0, 'c1')).catch((error: unknown) => error);
    expect(replayed).toBeInstanceOf(Error);
    expect(first).toBeInstanceOf(Error);
    for (const thrown of [first, replayed] as (Error & { code?: unknown })[]) {
      expect(thrown.name).toBe('TypeError');
      expect(thrown.code).toBe('ECONNREFUSED');
      expect(thrown.message).toBe('connect failed: <url> (key [redacted])');
    }
    // What the loop sends as the functionResponse's error, byte for byte the same both times.
    expect(safeToolErrorMessage('orders', replayed)).toBe(safeToolErrorMessage('orders', first));
  });

  it('bounds the recorded message of a tool that throws a whole page', async () => {
    const records: unknown[] = [];
    vi.mocked(DBOS.runStep).mockImplementation(async (body) => {
      const outcome = await body();
      records.push(outcome);
      return outcome;
    });
    const tool = toDurableTool(
      defineTool({
        name: 'orders',
        parameters: z.object({}),
        execute: () => {
          throw new Error(`upstream said: ${'x'.repeat(200_000)}`);
        },
      }),
      (body) => body(),
    );
    if (tool.kind !== 'function') throw new Error('not a function tool');
    await expect(tool.execute({}, context(1, 0, 'c1'))).rejects.toThrow('upstream said');
    expect((records[0] as { message: string }).message.length).toBeLessThanOrEqual(1_003);
  });
});
