import { describe, expect, it } from 'vitest';
import type { ExpectedToolCall } from '../eval-case.ts';
import type { EvalToolCall, ScoreContext } from '../scorer.ts';
import { grounded, toolArgumentsValid, toolTrajectory } from './tool-scorers.ts';

// The tool scorers at their edges: the partial score of a failed trajectory, the reason naming the
// call that broke it, duplicate calls, an empty expectation, and tool outputs that are hostile in
// size or depth. (scorers.test.ts has each scorer's main path.)

const made = (
  name: string,
  args: unknown = {},
  extra: Partial<EvalToolCall> = {},
): EvalToolCall => ({
  name,
  args,
  outcome: 'success',
  output: {},
  ...extra,
});

function context(expected: ExpectedToolCall[] | undefined, calls: EvalToolCall[], turns = ['']) {
  return {
    evalCase: {
      id: 'c',
      input: 'q',
      ...(expected === undefined ? {} : { expected: { toolCalls: expected } }),
    },
    run: { text: turns.at(-1) ?? '', turns, output: undefined, toolCalls: calls },
    signal: new AbortController().signal,
  } satisfies ScoreContext;
}

describe('toolTrajectory', () => {
  it('exact: a run that stopped short scores the share it made and says there were no more calls', async () => {
    const score = await toolTrajectory().score(
      context([{ name: 'find' }, { name: 'book' }, { name: 'mail' }], [made('find')]),
    );
    expect(score).toMatchObject({ pass: false });
    expect(score?.score).toBeCloseTo(1 / 3);
    expect(score?.reason).toBe('expected call 2 book({}), got no more calls; calls: find');
  });

  it('exact: an expectation of no calls passes a run without calls and fails any call', async () => {
    const scorer = toolTrajectory();
    expect(await scorer.score(context([], []))).toMatchObject({ pass: true, score: 1 });
    expect(await scorer.score(context([], [made('search', { q: 'x' })]))).toEqual({
      scorer: 'tool-trajectory(exact)',
      score: 0,
      pass: false,
      reason: 'unexpected extra call search({"q":"x"}); calls: search',
    });
  });

  it('a failed trajectory never scores 1, even when every expected call was made', async () => {
    const score = await toolTrajectory({ match: 'any-order' }).score(
      context([{ name: 'a' }], [made('a'), made('b')]),
    );
    expect(score).toEqual({
      scorer: 'tool-trajectory(any-order)',
      score: 0.99,
      pass: false,
      reason: 'unexpected extra calls: b',
    });
  });

  it('in-order: each expected call is looked for after the previous match, not from the start', async () => {
    const scorer = toolTrajectory({ match: 'in-order' });
    // `b` was called only before `a`: in order, it is missing.
    const score = await scorer.score(
      context([{ name: 'a' }, { name: 'b' }], [made('b'), made('a')]),
    );
    expect(score).toMatchObject({ pass: false, score: 0.5 });
    expect(score?.reason).toMatch(/^expected call 2 b\(\{\}\), got no more calls/);
    expect(
      await scorer.score(
        context([{ name: 'a' }, { name: 'b' }], [made('b'), made('a'), made('x'), made('b')]),
      ),
    ).toMatchObject({ pass: true, reason: 'calls in order: b, a, x, b' });
  });

  it('any-order and subset count a call once: two expected calls need two made', async () => {
    const twice = [{ name: 'fetch' }, { name: 'fetch' }];
    for (const match of ['any-order', 'subset'] as const) {
      const scorer = toolTrajectory({ match });
      const once = await scorer.score(context(twice, [made('fetch'), made('other')]));
      expect(once, match).toMatchObject({ pass: false, score: 0.5 });
      expect(once?.reason, match).toBe('expected call fetch({}) not made; calls: fetch, other');
    }
    expect(
      await toolTrajectory({ match: 'subset' }).score(
        context(twice, [made('fetch'), made('x'), made('fetch')]),
      ),
    ).toMatchObject({ pass: true });
  });

  it('an expected call without args matches any arguments under subset and exact', async () => {
    for (const args of ['subset', 'exact'] as const) {
      const scorer = toolTrajectory({ args });
      expect(
        await scorer.score(context([{ name: 'find' }], [made('find', { q: 'x', n: 2 })])),
        args,
      ).toMatchObject({
        pass: true,
      });
    }
  });

  it('subset arguments compare nested objects by their keys; arrays and scalars exactly', async () => {
    const scorer = toolTrajectory();
    const actual = made('book', { where: { city: 'Paris', zip: '75001' }, people: [1, 2] });
    expect(
      await scorer.score(context([{ name: 'book', args: { where: { city: 'Paris' } } }], [actual])),
    ).toMatchObject({
      pass: true,
    });
    const arrays = await scorer.score(context([{ name: 'book', args: { people: [1] } }], [actual]));
    expect(arrays).toMatchObject({ pass: false });
    const scalar = await scorer.score(
      context([{ name: 'book', args: { where: 'Paris' } }], [actual]),
    );
    expect(scalar?.reason).toContain('expected call 1 book({"where":"Paris"}), got book(');
  });

  it('an argument function gets the expected args, the actual ones and the name, for calls of that name only', async () => {
    const seen: unknown[] = [];
    const scorer = toolTrajectory({
      match: 'subset',
      args: (expected, actual, name) => {
        seen.push([expected, actual, name]);
        return true;
      },
    });
    await scorer.score(
      context(
        [{ name: 'find', args: { q: 'a' } }],
        [made('other', { z: 1 }), made('find', { q: 'b' })],
      ),
    );
    expect(seen).toEqual([[{ q: 'a' }, { q: 'b' }, 'find']]);
  });

  it('skips a case that expects nothing of tools', async () => {
    expect(await toolTrajectory().score(context(undefined, [made('a')]))).toBeUndefined();
  });
});

describe('toolArgumentsValid', () => {
  it('passes a run without calls; scores the share of valid calls; names each bad one with its error', async () => {
    const scorer = toolArgumentsValid();
    expect(await scorer.score(context(undefined, []))).toEqual({
      scorer: 'tool-args-valid',
      score: 1,
      pass: true,
      reason: '0 call(s), all valid',
    });
    const score = await scorer.score(
      context(undefined, [
        made('ok'),
        made('send', {}, { outcome: 'invalid-args', error: 'to: Required' }),
        made('nope', {}, { outcome: 'unknown-tool' }),
        // A tool that failed while running had valid arguments.
        made('flaky', {}, { outcome: 'execution-error', error: 'boom' }),
      ]),
    );
    expect(score).toEqual({
      scorer: 'tool-args-valid',
      score: 0.5,
      pass: false,
      reason: 'send: invalid-args (to: Required); nope: unknown-tool',
    });
  });

  it('keeps a long validation error to one short line, cut between characters', async () => {
    const error = `${'x'.repeat(159)}😀${'y'.repeat(10_000)}`;
    const score = await toolArgumentsValid().score(
      context(undefined, [made('send', {}, { outcome: 'invalid-args', error })]),
    );
    expect(score?.reason.length).toBeLessThan(200);
    expect(score?.reason).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('grounded', () => {
  it('skips a run without a successful tool output', async () => {
    const failed = made('find', {}, { outcome: 'execution-error', output: undefined });
    expect(await grounded().score(context(undefined, [failed]))).toBeUndefined();
  });

  it('finds facts at any depth of the output, case-insensitively, in any turn; numbers count too', async () => {
    const calls = [
      made('weather', {}, { output: { now: { city: 'PARIS', temperatureC: 18 } } }),
      made('price', {}, { output: [{ amount: 42.5 }] }),
    ];
    const score = await grounded().score(
      context(undefined, calls, ['In paris it is sunny.', 'It costs 42.5.']),
    );
    expect(score).toEqual({
      scorer: 'grounded',
      score: 1,
      pass: true,
      reason: 'the answer uses every tool result (2)',
    });
  });

  it('ignores strings shorter than minLength and booleans; passes at its threshold', async () => {
    const calls = [
      made('flag', {}, { output: { ok: true, code: 'a' } }),
      made('city', {}, { output: 'Lyon' }),
    ];
    const half = await grounded().score(context(undefined, calls, ['a city: Lyon']));
    expect(half).toMatchObject({
      score: 0.5,
      pass: false,
      reason: 'the answer uses no fact of flag',
    });
    expect(
      await grounded({ threshold: 0.5 }).score(context(undefined, calls, ['Lyon'])),
    ).toMatchObject({ pass: true });
    expect(
      await grounded({ minLength: 1 }).score(context(undefined, calls, ['a city: Lyon'])),
    ).toMatchObject({ score: 1 });
  });

  it('reads a hostile output (nested past the stack, or a hundred thousand leaves) in bounded work', async () => {
    let deep: unknown = 'needle';
    for (let level = 0; level < 100_000; level++) deep = { next: deep };
    const wide = Array.from({ length: 100_000 }, (_, index) => `<${index}>`);
    const calls = [made('deep', {}, { output: deep }), made('wide', {}, { output: wide })];
    // The needle sits past the depth read, and the last leaf past the count read.
    const score = await grounded().score(context(undefined, calls, ['needle <99999>']));
    expect(score).toMatchObject({
      score: 0,
      pass: false,
      reason: 'the answer uses no fact of deep, wide',
    });
    expect(await grounded().score(context(undefined, calls, ['<0>']))).toMatchObject({
      score: 0.5,
    });
  });
});
