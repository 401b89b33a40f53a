import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import type { AgentPlugin, PluginRun } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';

const MODEL = 'gemini-2.5-flash';

/** The InvalidArgumentError `make` throws. */
function refusal(make: () => unknown): InvalidArgumentError {
  let thrown: unknown;
  try {
    make();
  } catch (error) {
    thrown = error;
  }
  expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
  return thrown as InvalidArgumentError;
}

describe('definePlugin', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'my-plugin'],
    ['a function', () => ({ name: 'x' })],
  ])('refuses %s with a typed error that shows a plugin', (_, value) => {
    const error = refusal(() => definePlugin(value as never));
    expect(error.argument).toBe('plugin');
    expect(error.message).toContain("{ name: 'my-plugin'");
  });

  it('copies a plain object: changing the original afterwards changes nothing the run uses', async () => {
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    const calls: string[] = [];
    const written: AgentPlugin = {
      name: 'original',
      beforeModelCall: () => {
        calls.push('original');
      },
    };
    const plugin = definePlugin(written);
    written.beforeModelCall = () => {
      calls.push('swapped');
    };
    (written as { name: string }).name = 'renamed';
    expect(plugin).not.toBe(written);
    expect(plugin.name).toBe('original');
    await createAgent({ gemini, model: MODEL, plugins: [plugin] }).run('Hi');
    expect(calls).toEqual(['original']);
  });

  it('shows only what the user wrote in a copy or a JSON view', () => {
    const plugin = definePlugin({
      name: 'quiet',
      recorded: ['afterAnswer'],
      afterAnswer: () => undefined,
    });
    expect(Object.keys(plugin).sort()).toEqual(['afterAnswer', 'name', 'recorded']);
    expect(JSON.parse(JSON.stringify(plugin))).toEqual({
      name: 'quiet',
      recorded: ['afterAnswer'],
    });
    // A spread copy is no longer a plugin definePlugin made: refused by name, not run half-made.
    const error = refusal(() =>
      createAgent({ gemini: createScriptedGemini([]), model: MODEL, plugins: [{ ...plugin }] }),
    );
    expect(error.argument).toBe('plugins[0]');
    expect(error.message).toContain('definePlugin()');
  });

  it('returns a sealed plugin: changing, adding or removing a key throws, and the run keeps what it was made with', async () => {
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    const calls: string[] = [];
    const plugin = definePlugin({
      name: 'sealed',
      recorded: ['beforeModelCall'],
      beforeModelCall: () => {
        calls.push('made');
      },
    });
    expect(Object.isFrozen(plugin)).toBe(true);
    const record = plugin as unknown as Record<string, unknown>;
    const attempts: Array<() => unknown> = [
      () => {
        record['beforeModelCall'] = () => calls.push('swapped');
      },
      // A hook the plugin did not have: before, it was added, and acted in the agents resolved
      // after it but not in those resolved before.
      () => {
        record['afterModelCall'] = () => calls.push('added');
      },
      () => {
        record['name'] = 'renamed';
      },
      () => {
        record['note'] = 'extra';
      },
      () => delete record['beforeModelCall'],
      () => (plugin.recorded as string[]).push('afterAnswer'),
      () => Object.defineProperty(plugin, 'afterAnswer', { value: () => calls.push('defined') }),
      () => Object.setPrototypeOf(plugin, { afterModelCall: () => calls.push('inherited') }),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(TypeError);
    expect(Object.keys(plugin).sort()).toEqual(['beforeModelCall', 'name', 'recorded']);
    await createAgent({ gemini, model: MODEL, plugins: [plugin] }).run('Hi');
    expect(calls).toEqual(['made']);
  });

  it('a change made where assignments fail silently (sloppy code) has no effect', async () => {
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    const calls: string[] = [];
    const plugin = definePlugin({
      name: 'sealed',
      beforeModelCall: () => {
        calls.push('made');
      },
    });
    // Not strict mode (a Function body is sloppy unless it says otherwise): the assignments are
    // ignored instead of throwing.
    const sloppy = new Function(
      'plugin',
      'calls',
      "plugin.beforeModelCall = () => calls.push('swapped');" +
        "plugin.afterModelCall = () => calls.push('added');" +
        "plugin.name = 'renamed';" +
        'return delete plugin.beforeModelCall;',
    ) as (plugin: unknown, calls: string[]) => boolean;
    expect(sloppy(plugin, calls)).toBe(false);
    expect(plugin.name).toBe('sealed');
    expect(Object.keys(plugin).sort()).toEqual(['beforeModelCall', 'name']);
    await createAgent({ gemini, model: MODEL, plugins: [plugin] }).run('Hi');
    expect(calls).toEqual(['made']);
  });

  it("keeps a plain object's own fields as data the plugin carries, sealed with it", () => {
    const settings = { level: 2 };
    const plugin = definePlugin({ name: 'carries', settings } as AgentPlugin) as AgentPlugin & {
      readonly settings: { level: number };
    };
    expect(plugin.settings).toBe(settings);
    expect(() => {
      (plugin as { settings: unknown }).settings = { level: 3 };
    }).toThrow(TypeError);
    // Sealed is shallow, as Object.freeze is: what a field points to stays the caller's.
    settings.level = 3;
    expect(plugin.settings.level).toBe(3);
  });

  it('takes an object without a prototype', async () => {
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    let asked = 0;
    const bare = Object.assign(Object.create(null) as object, {
      name: 'bare',
      beforeModelCall: () => {
        asked++;
      },
    }) as AgentPlugin;
    await createAgent({ gemini, model: MODEL, plugins: [definePlugin(bare)] }).run('Hi');
    expect(asked).toBe(1);
  });

  it('takes a frozen object, and a plugin made twice is still one plugin', async () => {
    const gemini = createScriptedGemini([textTurn('Hi.')]);
    let asked = 0;
    const frozen = Object.freeze({
      name: 'frozen',
      beforeModelCall: () => {
        asked++;
      },
    });
    const twice = definePlugin(definePlugin(frozen));
    await createAgent({ gemini, model: MODEL, plugins: [twice] }).run('Hi');
    expect(asked).toBe(1);
  });

  it("keeps a class instance's getters, inherited hooks and state on the instance", async () => {
    class Base {
      protected seen: string[] = [];
      beforeToolCall(call: { toolName: string }): undefined {
        this.seen.push(call.toolName);
        return undefined;
      }
    }
    class Audit extends Base implements AgentPlugin<{ started: number }> {
      get name(): string {
        return 'audit';
      }
      get recorded(): readonly ['beforeToolCall'] {
        return ['beforeToolCall'];
      }
      startRun(): { started: number } {
        return { started: this.seen.length };
      }
      endRun(run: PluginRun<{ started: number }>): void {
        this.seen.push(`end after ${run.state.started}`);
      }
      report(): string[] {
        return this.seen;
      }
    }
    const audit = new Audit();
    const plugin = definePlugin(audit);
    // The plugin is sealed; the instance, which holds the state its hooks change, is not.
    expect(Object.isFrozen(plugin)).toBe(true);
    expect(Object.isFrozen(audit)).toBe(false);
    expect(plugin.name).toBe('audit');
    expect(plugin.recorded).toEqual(['beforeToolCall']);
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { city: 'Oslo' }, 'c1']),
      textTurn('ok'),
    ]);
    const tool = defineTool({
      name: 'lookup',
      description: 'Looks a city up.',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => city,
    });
    await createAgent({ gemini, model: MODEL, tools: [tool], plugins: [plugin] }).run('Weather?');
    expect(audit.report()).toEqual(['lookup', 'end after 0']);
  });

  it("keeps a class instance's placement, companions and tool-error rewrite", async () => {
    const seen: string[] = [];
    const last = definePlugin({
      name: 'last',
      checkInput: () => {
        seen.push('last');
      },
    });
    class Placed {
      readonly name = 'placed';
      readonly order = 'first' as const;
      readonly companions = [last];
      private readonly prefix = 'rewritten: ';
      checkInput(): undefined {
        seen.push('placed');
        return undefined;
      }
      rewriteToolError(_error: unknown, context: { defaultMessage: string }): string {
        return this.prefix + context.defaultMessage;
      }
    }
    const plain = definePlugin({
      name: 'plain',
      checkInput: () => {
        seen.push('plain');
      },
    });
    const gemini = createScriptedGemini([callsTurn(['fail', {}, 'c1']), textTurn('ok')]);
    const tool = defineTool({
      name: 'fail',
      description: 'Fails.',
      parameters: z.object({}),
      execute: () => {
        throw new Error('no');
      },
    });
    const result = await createAgent({
      gemini,
      model: MODEL,
      tools: [tool],
      plugins: [plain, definePlugin(new Placed())],
    }).run('Go.');
    expect(seen).toEqual(['placed', 'plain', 'last']);
    expect(JSON.stringify(result.contents)).toContain('rewritten: ');
  });
});

describe('the plugins a run is given', () => {
  const gemini = createScriptedGemini([]);
  const withPlugins = (plugins: unknown[]) => () =>
    createAgent({ gemini, model: MODEL, plugins: plugins as AgentPlugin[] });

  it('takes a name of 100 characters and refuses one of 101', () => {
    expect(withPlugins([definePlugin({ name: 'n'.repeat(100) })])).not.toThrow();
    const error = refusal(withPlugins([definePlugin({ name: 'n'.repeat(101) })]));
    expect(error.argument).toBe('plugins[0].name');
    expect(error.message).toContain('at most 100 characters');
  });

  it('takes names that differ only by case or in unicode as two plugins', () => {
    expect(
      withPlugins([
        definePlugin({ name: 'Audit' }),
        definePlugin({ name: 'audit' }),
        definePlugin({ name: 'audit-🔒' }),
      ]),
    ).not.toThrow();
  });

  it.each([
    ['a name that is not a string', { name: 7 }, 'plugins[0].name', /non-empty string/],
    [
      'recorded as a string',
      { name: 'a', afterAnswer() {}, recorded: 'afterAnswer' },
      'plugins[0].recorded',
      /must be an array of hook names/,
    ],
    [
      'recorded naming endRun',
      { name: 'a', endRun() {}, recorded: ['endRun'] },
      'plugins[0].recorded',
      /not a hook whose result can be recorded/,
    ],
    [
      'recorded naming an unknown hook',
      { name: 'a', recorded: ['onError'] },
      'plugins[0].recorded',
      /not a hook whose result can be recorded/,
    ],
    [
      'wrapModelRequest that is not a function',
      { name: 'a', wrapModelRequest: {} },
      'plugins[0].wrapModelRequest',
      /must be a function/,
    ],
    [
      "an order that is not 'first'",
      { name: 'a', order: 'last' },
      'plugins[0].order',
      /must be 'first' \(before the run's other plugins\) or left out \(registration order\); got "last"/,
    ],
    [
      "a companion with order: 'first' (companions always come last)",
      { name: 'a', companions: [{ name: 'b', order: 'first' }] },
      'plugins: a.companions[0].order',
      /a companion runs after all of the run's other plugins/,
    ],
    [
      'a hook misspelt in lower case',
      { name: 'a', aftertoolcall() {} },
      'plugins[0].aftertoolcall',
      /did you mean afterToolCall/,
    ],
  ])('refuses %s, naming where', (_, plugin, argument, message) => {
    const error = refusal(withPlugins([definePlugin(plugin as AgentPlugin)]));
    expect(error.argument).toBe(argument);
    expect(error.message).toMatch(message);
  });

  it('names the plugin at fault by its place when an earlier one is fine', () => {
    const error = refusal(
      withPlugins([
        definePlugin({ name: 'fine' }),
        definePlugin({ name: 'broken', beforeModelCall: 'soon' as never }),
      ]),
    );
    expect(error.argument).toBe('plugins[1].beforeModelCall');
    expect(error.message).toContain('plugin "broken"');
  });

  it('lets other own fields of a plugin be (its options, its helpers)', () => {
    expect(
      withPlugins([definePlugin({ name: 'a', options: { level: 2 }, helper() {} } as AgentPlugin)]),
    ).not.toThrow();
  });
});
