import { AgentRunError, type AgentStep } from '@gemloop/core';
import { SubagentError } from '@gemloop/core/composition';
import { readSessionSpend } from '@gemloop/core/internal';
import { STORED_RUN_PROPERTY } from '../../errors/typed-stored-error.ts';
import { runOfSteps } from '../runs/run-of-steps.ts';

/** Most steps a parent takes from a child's stored error: a forged row's bound, not a run's. */
const MAX_STEPS = 10_000;

/**
 * The run a failed child's error ended (its `AgentRunError.run`, or a `SubagentError`'s `childRun`
 * from further down: what an in-process parent holds), as the child's stored error carries it
 * for its parent ({@link STORED_RUN_PROPERTY}): its `steps` and its `usage` and `cost`, each
 * through `copy` (the stored error's own copy of a field: plain data, every text without the
 * tree's keys and local details and cut, arrays and depth bounded, stored-child-error.ts), and
 * without a call's thrown `cause` (the call's `error` keeps the words the model got). The history
 * is not kept, as the error's own `run` is not stored. `undefined` when the error carries no run
 * or it cannot be read (a hostile getter). @internal
 */
export function storedChildRun(
  error: unknown,
  copy: (value: unknown) => unknown,
): { steps: unknown; usage: unknown; cost: unknown } | undefined {
  try {
    const run = AgentRunError.isInstance(error)
      ? error.run
      : SubagentError.isInstance(error)
        ? error.childRun
        : undefined;
    if (!Array.isArray(run?.steps)) return undefined;
    return {
      steps: copy(run.steps.map(withoutCauses)),
      usage: copy(run.usage),
      cost: copy(run.cost),
    };
  } catch {
    return undefined;
  }
}

/**
 * The run a failed child's stored error carries ({@link storedChildRun}), as its parent's error
 * holds it: the steps as stored, `usage` and `cost` as stored when they read back well (every
 * count a non-negative integer, a well-formed cost: `readSessionSpend`), else summed over the
 * steps (run-of-steps.ts); `contents` and `newContents` empty. `undefined` when it carries none
 * (a child of an older version, a failure that ended no run). A row is trusted with nothing: only
 * an array of steps is read, its first 10,000 items, and of those only the steps whose `usage` is
 * an object. @internal
 */
export function childRunOf(stored: unknown): AgentRunError['run'] | undefined {
  if (!(stored instanceof Error)) return undefined;
  const value = ownValue(stored, STORED_RUN_PROPERTY);
  const steps = ownValue(value, 'steps');
  if (!Array.isArray(steps)) return undefined;
  const run = runOfSteps(steps.slice(0, MAX_STEPS));
  const spend = readSessionSpend({
    usage: ownValue(value, 'usage'),
    cost: ownValue(value, 'cost'),
  });
  return spend === undefined ? run : { ...run, usage: spend.usage, cost: spend.cost };
}

/** `value`'s own data property `key`; `undefined` when it has none, is an accessor, or no object. */
function ownValue(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(value, key);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
}

/** `step` without its calls' thrown values (`cause`); the step itself when none has one. */
function withoutCauses(step: AgentStep): AgentStep {
  if (
    !Array.isArray(step?.toolCalls) ||
    step.toolCalls.every((call) => call?.cause === undefined)
  ) {
    return step;
  }
  return {
    ...step,
    toolCalls: step.toolCalls.map((call) => {
      if (call?.cause === undefined) return call;
      const { cause: _cause, ...rest } = call;
      return rest;
    }),
  };
}
