import { createAgent, createGemini } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { definePlugin } from '@gemloop/core/plugins';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';

// attack16, a third party's plugin named like Object's own keys: a seam that kept its plugins'
// state or its duplicate check in a plain object keyed by name would mix `__proto__` with the
// prototype, or take `constructor` as already there. Held: each is an ordinary name (its own
// state, its own events), and a name used twice is refused whatever it is.

function namedPlugin(name: string, index: number) {
  return definePlugin({
    name,
    startRun: () => ({ index }),
    afterAnswer: (
      _answer: unknown,
      run: { state: unknown; emit(kind: string, data?: unknown): void },
    ) => {
      run.emit('state', run.state);
    },
  } as never);
}

describe("plugins named like Object's keys", () => {
  it('__proto__, constructor and toString each keep their own state and events', async () => {
    const fake = createFakeGemini({ script: [turn.text('ok')] });
    const gemini = createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
    const names = ['__proto__', 'constructor', 'toString'];
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      plugins: names.map((name, index) => namedPlugin(name, index)),
    });
    const stream = agent.stream('hi');
    const seen: [string, unknown][] = [];
    for await (const event of stream)
      if (event.type === 'plugin') seen.push([event.plugin, event.data]);
    expect((await stream.result).text).toBe('ok');
    expect(Object.fromEntries(seen.map(([name, data]) => [name, data]))).toEqual(
      JSON.parse(
        '{"__proto__": {"index": 0}, "constructor": {"index": 1}, "toString": {"index": 2}}',
      ),
    );
    expect(seen).toHaveLength(3);
  });

  it.each([['__proto__'], ['constructor']])('two plugins named %s are refused', (name) => {
    const fake = createFakeGemini({ script: [] });
    const gemini = createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
    let caught: unknown;
    try {
      createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        plugins: [namedPlugin(name, 0), namedPlugin(name, 1)],
      });
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect((caught as InvalidArgumentError).message).toContain(`two plugins are named "${name}"`);
  });
});
