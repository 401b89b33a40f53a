import { describe, expect, it } from 'vitest';
import { compaction } from '../../compaction/compaction.ts';
import { toolOutput } from '../../compaction/tool-output.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { rejectionOf } from '../__fixtures__/run-both-ways.ts';
import { createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { definePlugin } from './define-plugin.ts';

// A refusal names a plugin where the user wrote it: a run's own by its index in the run's
// `plugins`, not in the list the seam joins (handed down, the agent's and its options', the
// run's own), and by its name when it has one.

const MODEL = 'gemini-2.5-flash';

/** An agent with two plugins of its own and one its `toolOutput` option adds. */
function agentWithPlugins() {
  const gemini = createScriptedGemini([textTurn('never')]);
  const agent = createAgent({
    gemini,
    model: MODEL,
    plugins: [
      definePlugin({ name: 'audit', beforeModelCall: () => undefined }),
      definePlugin({ name: 'trace', afterAnswer: () => undefined }),
    ],
    toolOutput: toolOutput({ maxTokens: 1000 }),
  });
  return { gemini, agent };
}

async function refusalOf(plugins: readonly unknown[]): Promise<InvalidArgumentError> {
  const { gemini, agent } = agentWithPlugins();
  const error = await rejectionOf(agent.run('Hi', { plugins: plugins as never }));
  expect(InvalidArgumentError.isInstance(error)).toBe(true);
  expect(gemini.calls).toHaveLength(0);
  return error as InvalidArgumentError;
}

describe("a run's plugin refusals", () => {
  it('names a plugin that is not an object by its index in the run’s plugins', async () => {
    const error = await refusalOf([42]);
    expect(error.argument).toBe('options.plugins[0]');
    expect(error.message).toMatch(/^options\.plugins\[0\] must be a plugin object/);
  });

  it('names a misspelt hook by the index and the plugin’s name', async () => {
    const ok = definePlugin({ name: 'ok', afterAnswer: () => undefined });
    const error = await refusalOf([ok, { name: 'spelling', beforeToolcall() {} }]);
    expect(error.argument).toBe('options.plugins[1].beforeToolcall');
    expect(error.message).toContain(
      'options.plugins[1].beforeToolcall (plugin "spelling") is not a hook; did you mean beforeToolCall?',
    );
  });

  it('names a plugin without a name by its index', async () => {
    const error = await refusalOf([definePlugin({ name: 'ok' }), { beforeToolCall() {} }]);
    expect(error.argument).toBe('options.plugins[1].name');
    expect(error.message).toMatch(/^options\.plugins\[1\]\.name must be a non-empty string/);
  });

  it('names a run plugin whose name the agent’s has: the run’s index and where the other came from', async () => {
    const error = await refusalOf([definePlugin({ name: 'trace', afterAnswer: () => undefined })]);
    expect(error.argument).toBe('options.plugins[0].name');
    expect(error.message).toContain(
      'options.plugins[0]: two plugins are named "trace": createAgent\'s plugins[1] and options.plugins[0];',
    );
  });

  it('names both of two run plugins of one name by their indexes in the run’s plugins', async () => {
    const error = await refusalOf([
      definePlugin({ name: 'twice', afterAnswer: () => undefined }),
      definePlugin({ name: 'twice', beforeModelCall: () => undefined }),
    ]);
    expect(error.argument).toBe('options.plugins[1].name');
    expect(error.message).toContain(
      'options.plugins[1]: two plugins are named "twice": options.plugins[0] and options.plugins[1];',
    );
  });
});

describe("an agent's plugin refusals", () => {
  it('names the user’s plugin by its index and the option that added the other', () => {
    const gemini = createScriptedGemini([]);
    let error: unknown;
    try {
      createAgent({
        gemini,
        model: MODEL,
        plugins: [definePlugin({ name: 'gemloop.tool-output', afterAnswer: () => undefined })],
        toolOutput: toolOutput({ maxTokens: 1000 }),
      });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('plugins[0].name');
    expect((error as InvalidArgumentError).message).toContain(
      'plugins[0]: two plugins are named "gemloop.tool-output": plugins[0] and the plugin the toolOutput option adds;',
    );
  });
});

describe('a plugin named like the one an option adds', () => {
  it('at the run: names the compaction option’s plugin and the run’s index', async () => {
    const gemini = createScriptedGemini([textTurn('never')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      compaction: compaction({ maxTokens: 1_000_000 }),
    });
    const error = await rejectionOf(
      agent.run('Hi', {
        plugins: [definePlugin({ name: 'gemloop.compaction', afterAnswer: () => undefined })],
      }),
    );
    expect((error as InvalidArgumentError).argument).toBe('options.plugins[0].name');
    expect((error as Error).message).toContain(
      'options.plugins[0]: two plugins are named "gemloop.compaction": the plugin the compaction option adds and options.plugins[0];',
    );
    expect(gemini.calls).toHaveLength(0);
  });
});
