import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { subagent } from '../../../composition/subagent.ts';
import { createGemini } from '../../../http/create-gemini.ts';
import { defineTool } from '../../../tools/define/define-tool.ts';
import { createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from '../../agent-turns.ts';
import { createAgent } from '../../create-agent.ts';
import type { AgentPlugin } from '../../plugins/agent-plugin.ts';
import { definePlugin } from '../../plugins/define-plugin.ts';
import { ENGINE_KEY } from '../../plugins/plugin-engine-of.ts';
import type { LatePlugins, PluginEngine } from '../../plugins/run-plugins.ts';

// Issue 53: a feature "pays nothing per step when off". A plugin with no hook (a name, settings
// for other plugins, receivers) adds nothing to a run, so the run takes the path of a run without
// plugins: no `RunPlugins` started, no plugin model step, no `aroundRun`. Before, any plugin put
// the run on the plugin path (+8 to +13 µs a step in the plugins bench's "empty" row). What such
// plugins carry still reaches where it is read: subagents inherit them, and a plugin joining the
// run late sees them in `run.plugins`.

const MODEL = 'gemini-2.5-flash';

const fake = createFakeGemini({
  script: (request) => {
    const calls = (request.body as { contents: { role: string }[] }).contents.filter(
      (content) => content.role === 'model',
    ).length;
    return calls === 0 ? turn.call('lookup', { n: 1 }) : turn.text('Done.');
  },
});
afterAll(() => fake.close());

let stackLimit: number;
beforeEach(() => {
  stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
});
afterEach(() => {
  Error.stackTraceLimit = stackLimit;
});

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a number up.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n }),
});

/** `plugin` with the seam's engine counting the runs it starts plugins for. */
function counted(plugin: AgentPlugin): { plugin: AgentPlugin; starts: () => number } {
  const engine = (plugin as unknown as Record<string, PluginEngine>)[ENGINE_KEY] as PluginEngine;
  let starts = 0;
  // What it resolves carries it in place of the seam's own (the run starts through `engine`).
  const carried = <Resolved>(resolved: Resolved): Resolved =>
    resolved === undefined ? resolved : { ...resolved, engine: counting };
  const counting: PluginEngine = {
    ...engine,
    resolve: (...args) => carried(engine.resolve(...args)),
    join: (...args) => carried(engine.join(...args)),
    start: (resolved, facts) => {
      starts++;
      return engine.start(resolved, facts);
    },
  };
  const copy = { ...plugin };
  Object.defineProperty(copy, ENGINE_KEY, { value: counting, enumerable: false });
  return { plugin: copy, starts: () => starts };
}

/** gemloop's frames under each request the run sends (a tool step, then the answer). */
async function requestPaths(plugins: readonly AgentPlugin[] | undefined): Promise<string[][]> {
  const paths: string[][] = [];
  const gemini = createGemini({
    apiKey: 'test-key',
    transport: 'fetch',
    fetch: (url, init) => {
      const frames = (new Error('sent').stack ?? '').split('\n').slice(1);
      paths.push(
        frames
          .filter(
            (frame) =>
              /[\\/]packages[\\/]core[\\/]src[\\/]/.test(frame) && !frame.includes('.test.ts'),
          )
          .map((frame) => frame.trim().replace(/\(.*[\\/]packages[\\/]core[\\/]src[\\/]/, '(')),
      );
      return fake.fetch(url, init);
    },
  });
  const agent = createAgent({
    gemini,
    model: MODEL,
    tools: [lookup],
    ...(plugins !== undefined && { plugins }),
  });
  // The first run loads the loop; the second is the one compared.
  await agent.run('Warm up.');
  paths.length = 0;
  expect((await agent.run('Look 1 up.')).text).toBe('Done.');
  return paths;
}

describe('a run given plugins without any hook', () => {
  it('starts none of them (the seam is not started), as a run without plugins', async () => {
    const empty = counted(definePlugin({ name: 'empty' }));
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Done.')]),
      model: MODEL,
      plugins: [empty.plugin],
    });
    expect((await agent.run('Go.')).text).toBe('Done.');
    expect(empty.starts()).toBe(0);
    // The plugins are still the agent's.
    expect(agent.plugins?.map((plugin) => plugin.name)).toContain('empty');
  });

  it('starts them once a hook is on (the control: the count sees a start)', async () => {
    const hooked = counted(definePlugin({ name: 'hooked', afterModelCall: () => {} }));
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Done.')]),
      model: MODEL,
      plugins: [hooked.plugin],
    });
    await agent.run('Go.');
    expect(hooked.starts()).toBe(1);
  });

  it('sends each request through the same calls as a run without plugins', async () => {
    const none = await requestPaths(undefined);
    const empty = await requestPaths([
      definePlugin({ name: 'empty' }),
      definePlugin({ name: 'settings', inherit: true }),
    ]);
    expect(none).toHaveLength(2);
    expect(empty).toEqual(none);
    // The control: a plugin with a hook takes the plugin path, and the paths differ.
    const hooked = await requestPaths([
      definePlugin({ name: 'hooked', afterAnswer: () => undefined }),
    ]);
    expect(hooked).not.toEqual(none);
  });

  it('still rewrites tool errors when one has rewriteToolError (not a hook, but the tool path reads it)', async () => {
    const failing = defineTool({
      name: 'lookup',
      parameters: z.object({ n: z.number() }),
      execute: () => {
        throw new Error('the lookup failed');
      },
    });
    const gemini = createScriptedGemini([
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ functionCall: { name: 'lookup', args: { n: 1 } } }],
            },
          },
        ],
      },
      textTurn('Done.'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [failing],
      plugins: [definePlugin({ name: 'rewrite', rewriteToolError: () => 'Try again later.' })],
    });
    await agent.run('Go.');
    expect(JSON.stringify(gemini.contentsOf(1).at(-1))).toContain('Try again later.');
  });

  it('hands an inherited one down to a subagent, whose plugins see it in run.plugins', async () => {
    const seen: string[][] = [];
    const child = createAgent({
      gemini: createScriptedGemini([textTurn('Child done.')]),
      model: MODEL,
      name: 'child',
      plugins: [
        definePlugin({
          name: 'reader',
          startRun: (run) => {
            seen.push(run.plugins.map((plugin) => plugin.name));
            return undefined;
          },
        }),
      ],
    });
    const parent = createAgent({
      gemini: createScriptedGemini([
        {
          candidates: [
            {
              content: {
                role: 'model',
                parts: [{ functionCall: { name: 'ask_child', args: { task: 'Go.' } } }],
              },
            },
          ],
        },
        textTurn('Parent done.'),
      ]),
      model: MODEL,
      tools: [subagent(child, { name: 'ask_child', description: 'Asks the child.' })],
      plugins: [definePlugin({ name: 'policy', inherit: true })],
    });
    expect((await parent.run('Go.')).text).toBe('Parent done.');
    expect(seen).toEqual([['policy', 'reader']]);
  });

  it('are joined by a plugin that joins the run late: run.plugins lists them', async () => {
    const seen: string[][] = [];
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('Done.')]),
      model: MODEL,
      plugins: [definePlugin({ name: 'settings' })],
    });
    const late: LatePlugins = {
      joining: Promise.resolve([
        definePlugin({
          name: 'late',
          startRun: (run) => {
            seen.push(run.plugins.map((plugin) => plugin.name));
            return undefined;
          },
          endRun: (run) => {
            seen.push(run.plugins.map((plugin) => plugin.name));
          },
        }),
      ]),
      closed: false,
    };
    const stream = agentTurnsOf(agent).stream('Go.', {}, undefined, undefined, undefined, late);
    for await (const _event of stream) {
      // drained
    }
    expect((await stream.result).text).toBe('Done.');
    expect(seen).toEqual([
      ['settings', 'late'],
      ['settings', 'late'],
    ]);
  });
});
