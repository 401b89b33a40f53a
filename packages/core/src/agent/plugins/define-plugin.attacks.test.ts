import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { createAgent } from '../create-agent.ts';
import type { AgentPlugin } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';

// attack60d: a plugin object is the caller's. A getter that threw (a lazy field), a Proxy whose
// traps throw or a revoked one came out of definePlugin as their own error, naming nothing; and a
// hook misspelt by a letter (`beforeModelCal`, `checkInputs`) was taken for a field of the
// plugin's own and never called, without a word: a guard written so let every input through.

const gemini = createGemini({
  apiKey: 'test-key',
  fetch: () => Promise.reject(new Error('no request expected')),
});

function thrown(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('definePlugin with a plugin that cannot be read', () => {
  it('names the field whose getter throws, its error as the cause', () => {
    const plugin = Object.defineProperty({ name: 'lazy' }, 'checkInput', {
      enumerable: true,
      get() {
        throw new Error('not loaded');
      },
    });
    const error = thrown(() => definePlugin(plugin as AgentPlugin));
    expect(error.argument).toBe('plugin.checkInput');
    expect((error.cause as Error).message).toBe('not loaded');
  });

  it('refuses a Proxy whose traps throw, and a revoked one', () => {
    const keys = new Proxy(
      { name: 'p' },
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    const prototype = new Proxy(
      { name: 'p' },
      {
        getPrototypeOf() {
          throw new Error('no prototype');
        },
      },
    );
    const { proxy, revoke } = Proxy.revocable({ name: 'p' }, {});
    revoke();
    for (const plugin of [keys, prototype, proxy]) {
      expect(thrown(() => definePlugin(plugin as AgentPlugin)).argument).toBe('plugin');
    }
  });

  it("names a class instance whose field's getter throws", () => {
    class Lazy {
      get name(): string {
        throw new Error('no name yet');
      }
    }
    expect(thrown(() => definePlugin(new Lazy() as AgentPlugin)).argument).toBe('plugin');
  });
});

describe('a hook misspelt by a letter or two', () => {
  const misspelt: [key: string, hook: string][] = [
    ['beforeModelCal', 'beforeModelCall'],
    ['checkInputs', 'checkInput'],
    ['afterAnwser', 'afterAnswer'],
    ['startrun', 'startRun'],
    ['wrapToolCalls', 'wrapToolCall'],
  ];
  for (const [key, hook] of misspelt) {
    it(`refuses ${key}, naming ${hook}`, () => {
      const plugin = definePlugin({ name: 'guard', [key]: () => undefined } as AgentPlugin);
      const error = thrown(() =>
        createAgent({ gemini, model: 'gemini-2.5-flash', plugins: [plugin] }),
      );
      expect(error.argument).toBe(`plugins[0].${key}`);
      expect(error.message).toContain(`did you mean ${hook}?`);
    });
  }

  it("lets the plugin's own fields be, a function far from any hook's name too", () => {
    const plugin = definePlugin({
      name: 'own',
      options: { level: 2 },
      startRunning: 'a label, not a function',
      summarize: () => 'helper',
      check: () => true,
    } as AgentPlugin);
    expect(() =>
      createAgent({ gemini, model: 'gemini-2.5-flash', plugins: [plugin] }),
    ).not.toThrow();
  });

  it('cuts and escapes a megabyte key in the refusal', () => {
    const plugin = definePlugin({
      name: 'big',
      [`checkInput${'\u202e'.repeat(1_000_000)}`]: 1,
    } as AgentPlugin);
    expect(() =>
      createAgent({ gemini, model: 'gemini-2.5-flash', plugins: [plugin] }),
    ).not.toThrow();
    const close = definePlugin({ name: 'near', 'checkInput\u202e': () => {} } as AgentPlugin);
    const error = thrown(() =>
      createAgent({ gemini, model: 'gemini-2.5-flash', plugins: [close] }),
    );
    expect(error.argument).toBe('plugins[0].checkInput\\u202e');
    expect(error.message).not.toContain('\u202e');
  });
});
