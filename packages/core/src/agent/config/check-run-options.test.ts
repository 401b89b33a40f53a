import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';

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
