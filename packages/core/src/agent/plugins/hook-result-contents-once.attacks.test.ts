import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Content } from '../../wire/content.ts';
import { RUN_MODES, type RunMode } from '../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent-event.ts';
import { createAgent } from '../create-agent.ts';
import type { AgentPlugin, PluginHookName } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';
import { PluginError } from './plugin-error.ts';

// misc66 (hooks65's "left alone"): the contents list a hook returns was checked element by
// element (`isContentList`) and then passed on as the plugin's own list: a `parts` getter, an
// element getter or a proxy list that answered the check could throw its own words later (in the
// loop, the request's build) or answer the check one thing and the request another. The run now
// takes its own shallow copy at the check: the list, each content's fields and its parts, each
// read once.

const SECRET = 'correct-horse-battery-staple';

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: () => 'found',
});

/** The contents a well-behaved hook would return (a user turn; plain objects). */
const good = (): Content[] => [{ role: 'user', parts: [{ text: 'rewritten' }] }];

/** An accessor on `target[key]` giving `first` at its first read, then what `later` does. */
function accessor<T extends object>(
  target: T,
  key: PropertyKey,
  first: unknown,
  later: () => unknown,
): T {
  let reads = 0;
  return Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      reads += 1;
      return reads === 1 ? first : later();
    },
  });
}

const trap = (): never => {
  throw new Error(`trap saw ${SECRET}`);
};

/** A hostile version of {@link good}'s list, and whether the run must fail (the plugin's). */
type Attack = { readonly name: string; readonly fails: boolean; readonly list: () => unknown };

const attacks: Attack[] = [
  {
    name: "a content's `parts` getter that throws on its second read",
    fails: false,
    list: () => {
      const [content] = good() as [Content];
      return [accessor({ role: 'user' }, 'parts', content.parts, trap)];
    },
  },
  {
    name: "a content's `parts` getter that gives other parts after its first read",
    fails: false,
    list: () => {
      const [content] = good() as [Content];
      return [accessor({ role: 'user' }, 'parts', content.parts, () => [{ text: SECRET }])];
    },
  },
  {
    name: "a content's `role` getter that says `model` after its first read",
    fails: false,
    list: () => {
      const [content] = good() as [Content];
      return [accessor({ parts: content.parts }, 'role', 'user', () => 'model')];
    },
  },
  {
    name: 'a list element getter that throws on its second read',
    fails: false,
    list: () => {
      const [content] = good() as [Content];
      return accessor([] as unknown[], 0, content, trap);
    },
  },
  {
    name: 'a proxy list whose trap throws at an index read twice',
    fails: false,
    list: () => {
      const reads = new Map<PropertyKey, number>();
      return new Proxy(good(), {
        get(target, key, receiver) {
          const count = (reads.get(key) ?? 0) + 1;
          reads.set(key, count);
          if (key === '0' && count > 1) trap();
          return Reflect.get(target, key, receiver);
        },
      });
    },
  },
  {
    name: 'a part getter that gives another part after its first read',
    fails: false,
    list: () => {
      const [content] = good() as [Content];
      const parts = accessor([] as unknown[], 0, content.parts[0], () => ({ text: SECRET }));
      return [{ role: 'user', parts }];
    },
  },
  {
    name: 'a part getter that throws on its second read',
    fails: false,
    list: () => {
      const [content] = good() as [Content];
      return [{ role: 'user', parts: accessor([] as unknown[], 0, content.parts[0], trap) }];
    },
  },
  {
    name: "a content's `parts` getter that always throws",
    fails: true,
    list: () => [Object.defineProperty({ role: 'user' }, 'parts', { enumerable: true, get: trap })],
  },
];

/** A hook that returns its contents, and the request that must send them. */
type Spec = {
  readonly hook: PluginHookName;
  readonly result: (contents: unknown) => object;
  /** The contents the run sent for the hook's list: a call's whole list, or its last turn. */
  readonly sent: (gemini: ReturnType<typeof createScriptedGemini>) => unknown;
};

const specs: Spec[] = [
  {
    hook: 'beforeModelCall',
    result: (contents) => ({ contents }),
    sent: (gemini) => gemini.contentsOf(0),
  },
  {
    hook: 'checkInput',
    result: (contents) => ({ contents }),
    sent: (gemini) => gemini.contentsOf(0),
  },
  {
    hook: 'afterAnswer',
    result: (contents) => ({ type: 'run-again', contents }),
    sent: (gemini) => gemini.contentsOf(2).slice(-1),
  },
];

/** A plugin whose `hook` returns `result` the first time it is called, then nothing. */
function pluginOf(hook: PluginHookName, result: () => object, async: boolean): AgentPlugin {
  let called = false;
  const body = (): unknown => {
    if (called) return undefined;
    called = true;
    return result();
  };
  return definePlugin({
    name: 'hostile',
    [hook]: async ? async () => body() : body,
  } as never);
}

function geminiOf(): ReturnType<typeof createScriptedGemini> {
  // A tool call, then an answer, then one more (an `afterAnswer` run-again is answered).
  return createScriptedGemini([
    callsTurn(['lookup', { word: 'a' }]),
    textTurn('done'),
    textTurn('done again'),
  ]);
}

/** The run's outcome, its events (a stream's) kept even when it fails. */
async function outcomeOf(
  mode: RunMode,
  plugin: AgentPlugin,
  gemini: ReturnType<typeof createScriptedGemini>,
): Promise<{ ok: true } | { ok: false; error: unknown; events: AgentEvent[] }> {
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools: [lookup],
    plugins: [plugin],
  });
  const events: AgentEvent[] = [];
  try {
    if (mode === 'run') {
      await agent.run('Hi');
      return { ok: true };
    }
    const stream = agent.stream('Hi');
    for await (const event of stream) events.push(event as AgentEvent);
    await stream.result;
    return { ok: true };
  } catch (error) {
    return { ok: false, error, events };
  }
}

/** Every message of `error`'s cause chain, and its stack. */
function wordsOf(error: unknown): string {
  const words: string[] = [];
  let at: unknown = error;
  for (let depth = 0; depth < 10 && at !== undefined && at !== null; depth++) {
    words.push(at instanceof Error ? `${at.message}\n${at.stack}` : String(at));
    at = at instanceof Error ? at.cause : undefined;
  }
  return words.join('\n');
}

const ways: [string, boolean][] = [
  ['sync', false],
  ['async', true],
];

describe.each(RUN_MODES)(
  'the contents a hook returns, read once into the run’s copy (%s)',
  (mode) => {
    describe.each(ways)('%s hook', (_way, async) => {
      for (const spec of specs) {
        it.each(attacks)(`${spec.hook}: $name`, async ({ fails, list }) => {
          const gemini = geminiOf();
          const plugin = pluginOf(spec.hook, () => spec.result(list()), async);
          const outcome = await outcomeOf(mode, plugin, gemini);
          if (!fails) {
            // The first value, sent as the check saw it; no getter's words anywhere.
            expect(outcome).toEqual({ ok: true });
            expect(spec.sent(gemini)).toEqual(good());
            expect(JSON.stringify(gemini.calls.map((call) => call.request))).not.toContain(SECRET);
            return;
          }
          expect(outcome.ok).toBe(false);
          if (outcome.ok) return;
          const { error, events } = outcome;
          expect(PluginError.isInstance(error)).toBe(true);
          expect(error).toMatchObject({ plugin: 'hostile', hook: spec.hook });
          expect((error as Error).message).toContain('cannot be read');
          expect(wordsOf(error)).not.toContain(SECRET);
          expect(JSON.stringify(events)).not.toContain(SECRET);
        });

        it(`${spec.hook}: the contents go on the wire as the plugin gave them (fields and their order)`, async () => {
          const gemini = geminiOf();
          const contents = [{ parts: [{ text: 'rewritten' }], role: 'user' }];
          const plugin = pluginOf(spec.hook, () => spec.result(contents), async);
          expect(await outcomeOf(mode, plugin, gemini)).toEqual({ ok: true });
          const [sent] = spec.sent(gemini) as [Content];
          expect(Object.keys(sent)).toEqual(['parts', 'role']);
          expect(sent).toEqual(contents[0]);
        });
      }
    });
  },
);
