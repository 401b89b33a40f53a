import type { AgentRunError, AgentStep } from '@gemloop/core';
import { SubagentError } from '@gemloop/core/composition';
import { PluginError } from '@gemloop/core/plugins';
import { describe, expect, it } from 'vitest';
import { typedStoredError } from '../../errors/typed-stored-error.ts';
import { childErrorForParent, storedChildError } from './stored-child-error.ts';

// A failed child's stored error carries the run it ended (durable64), for the parent to revive
// the child's AgentRunError (and a SubagentError's childRun) with it. What is read is the row's:
// what a child stored, or what anyone who can write the row put there. The real child workflows
// are run in stored-child-run.test.ts; these check the copy and the reading.

const KEY = 'AIzaSyD-stored-child-run-0123456789abc';
const DRIVER = 'connect ECONNREFUSED 10.20.30.40:5432 (postgres://app:hunter2@vault.internal/main)';

const usage = (prompt: number, output: number) => ({
  promptTokenCount: prompt,
  candidatesTokenCount: output,
  thoughtsTokenCount: 0,
  toolUsePromptTokenCount: 0,
  cachedContentTokenCount: 0,
  totalTokenCount: prompt + output,
});

const cost = (total: string) => ({
  currency: 'USD' as const,
  total,
  input: total,
  cachedInput: '0',
  output: '0',
  thinking: '0',
});

/** A step of one `lookup` call, whose tool threw a driver's error with the address in it. */
function step(stepNumber: number, text: string): AgentStep {
  return {
    stepNumber,
    kind: 'tools',
    content: { role: 'model', parts: [{ text }] },
    appended: true,
    text,
    thoughts: '',
    toolCalls: [
      {
        toolCallId: `call-${stepNumber}`,
        hasWireId: true,
        toolName: 'lookup',
        rawArgs: { q: KEY },
        args: { q: KEY },
        outcome: 'execution-error',
        error: 'lookup failed: ECONNREFUSED',
        cause: Object.assign(new Error(DRIVER), { host: '10.20.30.40' }),
        response: { name: 'lookup', response: { error: 'lookup failed: ECONNREFUSED' } },
        durationMs: 3,
      },
    ],
    toolResponseContent: undefined,
    finishReason: 'STOP',
    finishMessage: undefined,
    usage: usage(10, 2),
    cost: cost('0.000010'),
  } as unknown as AgentStep;
}

/** The run a child's PluginError holds: two steps, one with a model text past any field's bound. */
function childRun(): AgentRunError['run'] {
  return {
    contents: [{ role: 'user', parts: [{ text: `history ${KEY}` }] }],
    newContents: [],
    steps: [step(1, 'first'), step(2, 'x'.repeat(150_000))],
    usage: usage(20, 4),
    cost: cost('0.000020'),
  };
}

/** The child's own failure, as its run throws it. */
function childFailure(): PluginError {
  return new PluginError({
    plugin: 'stopper',
    hook: 'beforeModelCall',
    message: 'Plugin "stopper" failed in beforeModelCall: stop here',
    run: childRun(),
  });
}

/** The stored copy as DBOS gives it back: serialize-error's JSON, revived as plain Errors. */
function revived(error: Error): Error {
  const revive = (record: Record<string, unknown>): Error => {
    const copy = new Error(record['message'] as string);
    for (const [key, item] of Object.entries(record)) {
      if (key === 'cause' || key === 'message') continue;
      Object.defineProperty(copy, key, {
        value: item,
        enumerable: key !== 'name' && key !== 'stack',
        writable: true,
        configurable: true,
      });
    }
    const cause = record['cause'];
    if (cause !== undefined)
      Object.defineProperty(copy, 'cause', {
        value: revive(cause as Record<string, unknown>),
        enumerable: false,
      });
    return copy;
  };
  const serialize = (value: Error): Record<string, unknown> => ({
    name: value.name,
    message: value.message,
    stack: value.stack,
    ...JSON.parse(JSON.stringify(value)),
    ...(value.cause instanceof Error ? { cause: serialize(value.cause) } : {}),
  });
  return revive(JSON.parse(JSON.stringify(serialize(error))));
}

/** A stored-looking PluginError whose run is `run`, as a forged row would hold it. */
function forged(run: unknown): Error {
  const error = new Error('Plugin "stopper" failed in beforeModelCall: stop here');
  Object.defineProperty(error, 'name', { value: 'PluginError', enumerable: false });
  Object.assign(error, { code: 'plugin', plugin: 'stopper', hook: 'beforeModelCall' });
  Object.assign(error, { gemloopChildRun: run });
  return error;
}

describe("a failed child's stored error carries the run it ended", () => {
  it('gives the parent the steps, usage and cost of the run, on the first run and on a replay', () => {
    const stored = storedChildError(childFailure(), [KEY]);
    for (const error of [stored, revived(stored)]) {
      const parent = childErrorForParent(error);
      expect(PluginError.isInstance(parent)).toBe(true);
      const { run } = parent as PluginError;
      // Each text as the error's fields are kept: cut at 1,000 characters.
      expect(run.steps.map((item) => [item.stepNumber, item.text.length])).toEqual([
        [1, 5],
        [2, 1003],
      ]);
      expect(run.usage).toEqual(usage(20, 4));
      expect(run.cost).toEqual(cost('0.000020'));
      expect(run.contents).toEqual([]);
      // The row's steps are no field of the error (a log line, `toJSON`, a later copy).
      expect(Object.keys(parent as object)).not.toContain('gemloopChildRun');
      expect(JSON.stringify((parent as PluginError).toJSON())).not.toContain('first');
    }
  });

  it("keeps the tree's keys and a call's thrown driver error out of the row", () => {
    const row = JSON.stringify(revived(storedChildError(childFailure(), [KEY])));
    expect(row).toContain('lookup failed: ECONNREFUSED');
    for (const leak of [KEY, 'hunter2', '10.20.30.40', 'vault.internal']) {
      expect(row).not.toContain(leak);
    }
  });

  it("rebuilds a SubagentError from further down with the failed child's run, its cause too", () => {
    const below = new SubagentError({
      message: 'The subagent clerk (office#1 > clerk#1) failed: stop here',
      toolName: 'clerk',
      path: ['office#1', 'clerk#1'],
      childRun: childRun(),
      usage: usage(20, 4),
      cost: cost('0.000020'),
      cause: childFailure(),
    });
    const parent = childErrorForParent(revived(storedChildError(below, [KEY])));
    expect(SubagentError.isInstance(parent)).toBe(true);
    const { childRun: run, cause } = parent as SubagentError;
    expect(run?.steps).toHaveLength(2);
    expect(run?.usage).toEqual(usage(20, 4));
    expect(PluginError.isInstance(cause)).toBe(true);
    expect((cause as PluginError).run.usage).toEqual(usage(20, 4));
  });

  it('reads a forged row without throwing: only an array, only steps with a usage object', () => {
    for (const run of ['run', 42, null, { steps: 'steps' }, { steps: { 0: step(1, 'a') } }]) {
      const parent = childErrorForParent(forged(run)) as PluginError;
      expect(PluginError.isInstance(parent)).toBe(true);
      expect(parent.run.steps).toEqual([]);
    }
    const junk = [null, 'step', [], { usage: 'lots' }, step(3, 'kept')];
    expect((childErrorForParent(forged({ steps: junk })) as PluginError).run.steps).toHaveLength(1);
    const many = Array.from({ length: 20_000 }, (_, index) => ({ ...step(index, ''), cost: {} }));
    const parent = childErrorForParent(forged({ steps: many })) as PluginError;
    expect(parent.run.steps).toHaveLength(10_000);
  });

  it('takes the stored usage and cost only when they read back well, else sums the steps', () => {
    const steps = [step(1, 'a'), step(2, 'b')];
    const kept = childErrorForParent(
      forged({ steps, usage: usage(7, 1), cost: cost('0.000001') }),
    ) as PluginError;
    expect(kept.run.usage).toEqual(usage(7, 1));
    expect(kept.run.cost.total).toBe('0.000001');
    for (const [bad, badCost] of [
      [{ ...usage(7, 1), promptTokenCount: -5 }, cost('0.000001')],
      [{ promptTokenCount: 'lots' }, cost('0.000001')],
      [usage(7, 1), { total: {} }],
      [undefined, undefined],
    ]) {
      const parent = childErrorForParent(forged({ steps, usage: bad, cost: badCost }));
      expect((parent as PluginError).run.usage).toEqual(usage(20, 4));
    }
    // Steps whose counts are not numbers sum as none: never a throw, never a wrong number.
    const odd = [{ ...step(1, 'a'), usage: { promptTokenCount: 'lots' }, cost: { total: {} } }];
    const parent = childErrorForParent(forged({ steps: odd })) as PluginError;
    expect(parent.run.usage.promptTokenCount).toBe(0);
  });

  it('a child read on its own (runs.result of its id) still revives as its class', () => {
    const error = typedStoredError(revived(storedChildError(childFailure(), [KEY])));
    expect(PluginError.isInstance(error)).toBe(true);
    expect(Object.keys(error as object)).not.toContain('gemloopChildRun');
  });
});
