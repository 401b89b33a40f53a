import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defaultsMismatches } from '../../options/__fixtures__/documented-defaults.ts';
import { createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { treeBudgetOf } from '../run-state/run-link.ts';
import { TREE_BUDGET_DEFAULTS } from './check-run-options.ts';

describe('run options', () => {
  const agent = () =>
    createAgent({
      gemini: createScriptedGemini([textTurn('hi')]),
      model: 'gemini-3-flash-preview',
    });

  it('rejects null, non-objects and misspelt keys with a typed error, before any request', async () => {
    for (const [options, argument] of [
      [null, 'options'],
      [5, 'options'],
      [[], 'options'],
      [{ sigal: new AbortController().signal }, 'options.sigal'],
    ] as const) {
      const gemini = createScriptedGemini([textTurn('hi')]);
      const subject = createAgent({ gemini, model: 'gemini-3-flash-preview' });
      // biome-ignore lint/suspicious/noExplicitAny: the point is a wrong value at run time.
      const run = subject.run('x', options as any);
      await expect(run).rejects.toSatisfy(
        (error: unknown) => InvalidArgumentError.isInstance(error) && error.argument === argument,
      );
      // biome-ignore lint/suspicious/noExplicitAny: as above.
      const stream = subject.stream('x', options as any);
      await expect(stream.result).rejects.toSatisfy((error: unknown) =>
        InvalidArgumentError.isInstance(error),
      );
      expect(gemini.calls).toHaveLength(0);
    }
  });

  it('accepts undefined and the known keys', async () => {
    await expect(agent().run('x')).resolves.toMatchObject({ text: 'hi' });
    await expect(agent().run('x', { signal: new AbortController().signal })).resolves.toMatchObject(
      { text: 'hi' },
    );
  });

  it('takes toolTimeoutMs: Infinity as no limit, like a tool timeoutMs', () => {
    expect(() =>
      createAgent({
        gemini: createScriptedGemini([]),
        model: 'gemini-3-flash-preview',
        toolTimeoutMs: Infinity,
      }),
    ).not.toThrow();
    expect(() =>
      createAgent({
        gemini: createScriptedGemini([]),
        model: 'gemini-3-flash-preview',
        toolTimeoutMs: -1,
      }),
    ).toThrow(/toolTimeoutMs/);
  });
});

describe('the budget run option', () => {
  it('has the defaults the TSDoc of TreeBudgetOptions states', () => {
    expect(
      defaultsMismatches(
        new URL('./agent-options.ts', import.meta.url),
        'TreeBudgetOptions',
        TREE_BUDGET_DEFAULTS,
      ),
    ).toEqual([]);
  });

  it('applies them to what a budget leaves out, and keeps what it gives', () => {
    expect(treeBudgetOf({ maxTokens: 500, maxSteps: undefined })).toMatchObject({
      maxSteps: Number.POSITIVE_INFINITY,
      maxTokens: 500,
      maxCostUsd: undefined,
      steps: 0,
      tokens: 0,
    });
    expect(treeBudgetOf(undefined)).toBeUndefined();
  });
});
