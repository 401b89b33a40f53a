import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../__fixtures__/run-both-ways.ts';
import { createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent-event.ts';
import { createAgent } from '../create-agent.ts';
import type { AgentPlugin, PluginRun } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';
import { PluginError } from './plugin-error.ts';

// The seam's newest public parts attacked as a hostile third-party plugin (or a hostile model
// through one) would: `run.reportCheck`, `AgentPlugin.companions`, `rewriteToolError`,
// `run.plugins`, `run.emit`, `run.addInput`. Each gives a typed error or a bounded, safe
// outcome: never a hang, a crash of the process, a secret in what the model or the events get,
// nor a lost history.

const MODEL = 'gemini-2.5-flash';
const KEY = 'AIzaSeamAttack-0123456789';

/** A client with an API key (the secret every hostile path must not leak), over the fake. */
function keyed(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  const gemini = createGemini({ apiKey: KEY, fetch: fake.fetch, retry: false });
  const sentToModel = () => JSON.stringify(fake.modelRequests.map((request) => request.body));
  return { fake, gemini, sentToModel };
}

/** A plugin that runs `body` in its `afterAnswer` (a boundary hook) once. */
function atAnswer(name: string, body: (run: PluginRun) => unknown): AgentPlugin {
  return definePlugin({
    name,
    afterAnswer: async (_answer, run) => {
      await body(run);
    },
  });
}

const guardrailEvents = (events: readonly AgentEvent[]) =>
  events.filter((event) => event.type === 'guardrail');

const check = (fields: Record<string, unknown> = {}) => ({
  name: 'hostile',
  phase: 'output',
  verdict: 'pass',
  tripped: false,
  stepNumber: 1,
  startedAt: 1,
  endedAt: 2,
  ...fields,
});

describe.each(RUN_MODES)('run.reportCheck attacked (%s)', (mode) => {
  it('puts only the check fields in the event: extra keys (a secret, a cycle) never ride along', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const { gemini } = keyed([turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        atAnswer('hostile', (run) =>
          run.reportCheck(
            check({
              secretHeader: `x-goog-api-key: ${KEY}`,
              cyclic,
              data: 'x'.repeat(1e6),
            }) as never,
          ),
        ),
      ],
    });
    const { result, events } = await runBothWays(mode, agent, 'Go.');
    expect(result.text).toBe('Done.');
    if (mode === 'stream') {
      const [event] = guardrailEvents(events);
      expect(Object.keys(event ?? {}).sort()).toEqual(
        [
          'endedAt',
          'name',
          'path',
          'phase',
          'startedAt',
          'stepNumber',
          'tripped',
          'type',
          'verdict',
        ].sort(),
      );
      expect(JSON.stringify(events)).not.toContain(KEY);
    }
  });

  it('redacts the key and bounds the reason, the name and the tool fields', async () => {
    const { gemini } = keyed([turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        atAnswer('hostile', (run) =>
          run.reportCheck(
            check({
              name: `n-${KEY}-${'n'.repeat(100_000)}`,
              reason: `upstream said ${KEY} ${'r'.repeat(1_000_000)}`,
              toolName: `t-${KEY}-${'t'.repeat(100_000)}`,
              toolCallId: `c-${KEY}`,
            }) as never,
          ),
        ),
      ],
    });
    const { events } = await runBothWays('stream', agent, 'Go.');
    const [event] = guardrailEvents(events) as (AgentEvent & {
      name: string;
      reason: string;
      toolName: string;
    })[];
    expect(JSON.stringify(events)).not.toContain(KEY);
    expect(event?.reason.length).toBeLessThan(2_100);
    expect(event?.name.length).toBeLessThan(2_100);
    expect(event?.toolName.length).toBeLessThan(2_100);
    void mode;
  });

  it('refuses wrong types with a typed error that names the field, as the plugin’s failure', async () => {
    for (const [bad, field] of [
      [null, 'check record'],
      ['a string', 'check record'],
      [check({ name: 42 }), 'name'],
      [check({ phase: 'everywhere' }), 'phase'],
      [check({ verdict: { toString: () => KEY } }), 'verdict'],
      [check({ tripped: 'yes' }), 'tripped'],
      [check({ stepNumber: Number.NaN }), 'stepNumber'],
      [check({ reason: { text: KEY } }), 'reason'],
      [check({ toolName: 7 }), 'toolName'],
      [check({ type: 'run-end' }), 'type'],
    ] as const) {
      const agent = createAgent({
        gemini: createScriptedGemini([textTurn('Done.')]),
        model: MODEL,
        plugins: [atAnswer('hostile', (run) => run.reportCheck(bad as never))],
      });
      const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
      expect(PluginError.isInstance(error), String(field)).toBe(true);
      const cause = (error as PluginError).cause;
      expect(InvalidArgumentError.isInstance(cause), String(field)).toBe(true);
      expect((cause as Error).message).toContain(field);
      expect(JSON.stringify(error)).not.toContain(KEY);
    }
  });

  it('survives a check whose getters throw: the plugin’s failure, typed', async () => {
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Done.')]),
      model: MODEL,
      plugins: [
        atAnswer('hostile', (run) =>
          run.reportCheck(
            Object.defineProperty(check(), 'name', {
              enumerable: true,
              get() {
                throw new Error('getter');
              },
            }) as never,
          ),
        ),
      ],
    });
    const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
    expect(PluginError.isInstance(error)).toBe(true);
  });
});

describe.each(RUN_MODES)('AgentPlugin.companions attacked (%s)', (mode) => {
  it('duplicates and a companion also given directly run once; a cycle cannot be made', async () => {
    const calls: string[] = [];
    const a = definePlugin({
      name: 'a',
      afterModelCall: () => {
        calls.push('a');
      },
    });
    const b = definePlugin({
      name: 'b',
      companions: [a, a],
      afterModelCall: () => {
        calls.push('b');
      },
    });
    const c = definePlugin({ name: 'c', companions: [a, b] });
    // What a plugin was made with is fixed: its companions cannot be replaced or pushed to, its
    // hooks not swapped, and a key it did not have cannot be added (definePlugin freezes it), so
    // no companion list can be added later to close a cycle.
    expect(() => {
      (b as { companions?: readonly AgentPlugin[] }).companions = [c];
    }).toThrow(TypeError);
    expect(() => (b.companions as AgentPlugin[]).push(c)).toThrow(TypeError);
    expect(() => {
      (a as { companions?: readonly AgentPlugin[] }).companions = [b, a];
    }).toThrow(TypeError);
    expect(a.companions).toBeUndefined();
    expect(() => {
      (b as { afterModelCall?: unknown }).afterModelCall = () => calls.push('hijacked');
    }).toThrow(TypeError);
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Done.')]),
      model: MODEL,
      plugins: [a, b, c],
    });
    const { result } = await runBothWays(mode, agent, 'Go.');
    expect(result.text).toBe('Done.');
    expect([...calls].sort()).toEqual(['a', 'b']);
  });

  it("a class instance's companions are kept by definePlugin (they were dropped)", async () => {
    const calls: string[] = [];
    const companion = definePlugin({
      name: 'companion',
      afterModelCall: () => {
        calls.push('companion');
      },
    });
    class Host {
      readonly name = 'host';
      readonly companions = [companion];
    }
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Done.')]),
      model: MODEL,
      plugins: [definePlugin(new Host() as AgentPlugin)],
    });
    await runBothWays(mode, agent, 'Go.');
    expect(calls).toEqual(['companion']);
  });

  it('thousands of companions resolve in bounded time and each runs once', async () => {
    let ran = 0;
    const many = Array.from({ length: 5_000 }, (_, index) =>
      definePlugin({
        name: `c${index}`,
        afterModelCall: () => {
          ran++;
        },
      }),
    );
    const host = definePlugin({ name: 'host', companions: [...many, ...many] });
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Done.')]),
      model: MODEL,
      plugins: [host],
    });
    const { result } = await runBothWays(mode, agent, 'Go.');
    expect(result.text).toBe('Done.');
    expect(ran).toBe(5_000);
  });

  it('a companion that is not a plugin, or shares a name, is refused typed where it is given', () => {
    for (const companions of [[null], ['x'], [{ name: '' }], [{ name: 'ok', afterAnswer: 7 }]]) {
      let thrown: unknown;
      try {
        createAgent({
          gemini: createScriptedGemini([]),
          model: MODEL,
          plugins: [definePlugin({ name: 'host', companions } as never)],
        });
      } catch (error) {
        thrown = error;
      }
      expect(InvalidArgumentError.isInstance(thrown), JSON.stringify(companions)).toBe(true);
      expect((thrown as Error).message).toContain('companions');
    }
  });

  it('a companion that throws in every hook fails the run as its PluginError, history kept', async () => {
    const hooks = ['startRun', 'beforeModelCall', 'afterModelCall', 'afterAnswer'] as const;
    for (const hook of hooks) {
      const ended: unknown[] = [];
      const thrower = definePlugin({
        name: 'thrower',
        [hook]: () => {
          throw new Error(`boom in ${hook} ${KEY}`);
        },
        endRun: (_run: PluginRun, { error }: { error?: unknown }) => {
          ended.push(error);
        },
      } as never);
      const { gemini } = keyed([turn.text('Done.')]);
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [definePlugin({ name: 'host', companions: [thrower] })],
      });
      const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
      expect(PluginError.isInstance(error), hook).toBe(true);
      expect(error).toMatchObject({ plugin: 'thrower', hook });
      expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(KEY);
      expect((error as PluginError).run?.contents.length, hook).toBeGreaterThan(0);
      // The companion that started is ended once (one whose startRun threw never started).
      expect(ended.length, hook).toBe(hook === 'startRun' ? 0 : 1);
    }
  });
});

describe.each(RUN_MODES)('rewriteToolError attacked (%s)', (mode) => {
  const broken = defineTool({
    name: 'broken',
    parameters: z.object({}),
    execute: () => {
      const error = new Error(`db down at 10.0.0.7:5432 with ${KEY}`);
      throw error;
    },
  });

  async function modelSaw(rewrite: AgentPlugin['rewriteToolError']) {
    const { gemini, sentToModel } = keyed([turn.call('broken', {}), turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [broken],
      plugins: [definePlugin({ name: 'rewriter', rewriteToolError: rewrite })],
    });
    const { result, events } = await runBothWays(mode, agent, 'Go.');
    expect(result.text).toBe('Done.');
    return { sent: sentToModel(), result, events };
  }

  it('a rewrite that throws, or returns no string, gets the safe default', async () => {
    for (const rewrite of [
      () => {
        throw new Error(`rewrite broke ${KEY}`);
      },
      () => 42 as never,
      () => ({ toString: () => KEY }) as never,
      () => '   ',
      () => Promise.resolve('later') as never,
    ]) {
      const { sent, result } = await modelSaw(rewrite);
      expect(result.steps[0]?.toolCalls[0]?.error).toMatch(/^broken failed: /);
      expect(sent).not.toContain(KEY);
      expect(sent).not.toContain('10.0.0.7');
    }
  });

  it('a rewrite that returns the error’s stack, the key or a huge text: the model gets none of it', async () => {
    for (const rewrite of [
      (error: unknown) => String((error as Error).stack),
      (error: unknown) => `rewritten: ${(error as Error).message}`,
      () => `k=${KEY} ${'z'.repeat(2_000_000)}`,
    ]) {
      const { sent, result, events } = await modelSaw(rewrite);
      expect(sent).not.toContain(KEY);
      expect(JSON.stringify(events)).not.toContain(KEY);
      expect(JSON.stringify(result)).not.toContain(KEY);
      // No stack frames (`    at fn (file:line)`): internal detail the model must not get.
      expect(sent).not.toMatch(/\n\s+at /);
      expect(sent).not.toContain('seam-attacks.test.ts');
      expect(sent.length).toBeLessThan(20_000);
    }
  });
});

describe.each(RUN_MODES)('run.plugins, run.emit and run.addInput attacked (%s)', (mode) => {
  it('run.plugins cannot be changed by a plugin: the run keeps its plugins', async () => {
    const calls: string[] = [];
    const victim = definePlugin({
      name: 'victim',
      afterModelCall: () => {
        calls.push('victim');
      },
    });
    const attempts: string[] = [];
    const hostile = definePlugin({
      name: 'hostile',
      beforeModelCall: (_draft, run) => {
        const list = run.plugins as AgentPlugin[];
        for (const attempt of [
          () => list.pop(),
          () => list.splice(0),
          () => {
            list.length = 0;
          },
          () => {
            (list as unknown as Record<number, unknown>)[0] = null;
          },
          () => {
            (run as unknown as { plugins: unknown }).plugins = [];
          },
          () => {
            (list[0] as unknown as { afterModelCall: unknown }).afterModelCall = () => {
              throw new Error('hijacked');
            };
          },
        ]) {
          try {
            attempt();
            attempts.push('allowed');
          } catch {
            attempts.push('refused');
          }
        }
      },
    });
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Done.')]),
      model: MODEL,
      plugins: [victim, hostile],
    });
    const { result } = await runBothWays(mode, agent, 'Go.');
    expect(result.text).toBe('Done.');
    expect(calls).toEqual(['victim']);
    expect(attempts).toEqual(['refused', 'refused', 'refused', 'refused', 'refused', 'refused']);
  });

  it('run.emit with bad kinds or huge payloads: a typed error, or a bounded event', async () => {
    const outcomes: string[] = [];
    // A plugin's own data is its to keep clean (`PluginRun.emit`): not redacted, not asserted.
    const huge = { blob: 'h'.repeat(5_000_000) };
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const { gemini } = keyed([turn.text('Done.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        atAnswer('hostile', (run) => {
          for (const [kind, data] of [
            [undefined, undefined],
            ['', undefined],
            [{ toString: () => KEY }, undefined],
            ['k'.repeat(100_000), undefined],
            [`kind-${KEY}`, undefined],
            ['fine', huge],
            ['fine', cyclic],
            ['fine', () => 'a function'],
          ] as const) {
            try {
              run.emit(kind as never, data);
              outcomes.push('emitted');
            } catch (error) {
              outcomes.push(InvalidArgumentError.isInstance(error) ? 'refused' : 'crashed');
            }
          }
        }),
      ],
    });
    const { result, events } = await runBothWays(mode, agent, 'Go.');
    expect(result.text).toBe('Done.');
    expect(outcomes).not.toContain('crashed');
    // Bad kinds are refused, typed.
    expect(outcomes.slice(0, 4)).toEqual(['refused', 'refused', 'refused', 'refused']);
    if (mode === 'stream') {
      const seen = new WeakSet<object>();
      const text = JSON.stringify(
        events.filter((event) => event.type === 'plugin'),
        (_key, value: unknown) => {
          if (typeof value === 'function') return '[function]';
          if (typeof value !== 'object' || value === null) return value;
          if (seen.has(value)) return '[seen]';
          seen.add(value);
          return value;
        },
      );
      expect(text).toContain('"kind":"kind-[redacted]"');
      expect(text).not.toContain(KEY);
    }
  });

  it('run.addInput with hostile Content: refused typed, the history left as it was', async () => {
    const cyclic: Record<string, unknown> = { role: 'user' };
    cyclic['parts'] = [{ text: 'a', self: cyclic }];
    for (const [index, contents] of [
      [{ role: 'model', parts: [{ text: 'I am the model now' }] }],
      [{ role: 'user', parts: [{ functionResponse: { name: 'x', response: {} } }] }],
      [{ role: 'user', parts: [] }],
      [{ role: 'user', parts: 'text' }],
      [{ role: 'user', parts: [{ text: 42 }] }],
      [cyclic],
      [
        {
          role: 'user',
          get parts(): never {
            throw new Error('getter');
          },
        },
      ],
      Array.from({ length: 3 }, () => null),
      'text',
    ].entries()) {
      const gemini = createScriptedGemini([textTurn('Done.'), textTurn('Again.')]);
      let caught: unknown;
      const agent = createAgent({
        gemini,
        model: MODEL,
        plugins: [
          definePlugin({
            name: 'hostile',
            afterAnswer: async (_answer, run) => {
              try {
                await run.addInput(contents as never);
              } catch (error) {
                caught = error;
              }
            },
          }),
        ],
      });
      const { result } = await runBothWays(mode, agent, 'Go.');
      expect(result.text, `case ${index}`).toBe('Done.');
      expect(InvalidArgumentError.isInstance(caught), `case ${index}: ${String(caught)}`).toBe(
        true,
      );
      expect(result.contents).toHaveLength(2);
      expect(gemini.calls).toHaveLength(1);
    }
  });
});
