import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define/define-tool.ts';
import { RUN_MODES, rejectionOf, runBothWays } from './__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from './agent-turns.ts';
import { type Agent, createAgent } from './create-agent.ts';
import { SubagentError } from './errors/subagent-error.ts';
import { definePlugin } from './plugins/define-plugin.ts';
import type { PluginHookRecorder } from './plugins/run-plugins.ts';
import { MAX_RUN_DEPTH } from './run-state/run-link.ts';

// A plugin hook or a tool that calls agent.run() or agent.stream() of its own agent starts a run
// with no parent, whose hook does it again: without a bound, runs nest until memory or the
// stack runs out (documented in docs/writing-a-plugin.md before leftovers46). The run one level
// past MAX_RUN_DEPTH (the subagents' default maxDepth) is refused with a SubagentError naming the
// depth, which ends every run up to the top one, as a cycle of subagents does.

const MODEL = 'gemini-2.5-flash';

/** Starts the nested run the way the outer run was started. */
const nest = (agent: Agent<undefined>, mode: 'run' | 'stream') =>
  mode === 'run' ? agent.run('Again.') : agent.stream('Again.').result;

describe.each(RUN_MODES)('runs that nest without end (%s)', (mode) => {
  it('a beforeModelCall that runs its own agent ends at the depth limit with a SubagentError', async () => {
    const gemini = createScriptedGemini([]);
    let starts = 0;
    const agent: Agent<undefined> = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'recursive',
          beforeModelCall: async () => {
            starts++;
            await nest(agent, mode);
          },
        }),
      ],
    });
    const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
    expect(SubagentError.isInstance(error), String(error)).toBe(true);
    const { message } = error as Error;
    expect(message).toContain(
      `${mode === 'run' ? 'agent.run' : 'agent.stream'}() would start a run ${MAX_RUN_DEPTH + 1} deep`,
    );
    expect(message).toContain(`past the limit of ${MAX_RUN_DEPTH}`);
    expect(message).toMatch(/subagent\(\)/);
    expect(message).toMatch(/run\.generate/);
    // Every run below the limit started its hook once; none past it; no model call was made.
    expect(starts).toBe(MAX_RUN_DEPTH + 1);
    expect(gemini.calls).toHaveLength(0);
  });

  it('a tool that runs its own agent ends the same way, after one model call a level', async () => {
    let agent: Agent<undefined> | undefined;
    const again = defineTool({
      name: 'again',
      description: 'Runs the agent again.',
      parameters: z.object({}),
      execute: () => nest(agent as Agent<undefined>, mode).then(() => 'done'),
    });
    const gemini = createScriptedGemini(
      Array.from({ length: MAX_RUN_DEPTH + 1 }, () => callsTurn(['again', {}])),
    );
    agent = createAgent({ gemini, model: MODEL, tools: [again] });
    const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
    expect(SubagentError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toContain(`a run ${MAX_RUN_DEPTH + 1} deep`);
    expect(gemini.calls).toHaveLength(MAX_RUN_DEPTH + 1);
  });

  it.each(['beforeToolCall', 'checkToolCall', 'afterToolCall'] as const)(
    'a plugin %s that runs its own agent ends the same way',
    async (hook) => {
      // The tool hooks of a plugin are called by their chain, not through the hook calls the model
      // hooks go through: before leftovers50 they ran at depth 0, and this nested without end.
      let agent: Agent<undefined> | undefined;
      let starts = 0;
      const noop = defineTool({
        name: 'noop',
        description: 'Does nothing.',
        parameters: z.object({}),
        execute: () => 'ok',
      });
      const gemini = createScriptedGemini(
        Array.from({ length: MAX_RUN_DEPTH + 1 }, () => callsTurn(['noop', {}])),
      );
      agent = createAgent({
        gemini,
        model: MODEL,
        tools: [noop],
        plugins: [
          definePlugin({
            name: 'recursive',
            [hook]: async () => {
              starts++;
              await nest(agent as Agent<undefined>, mode);
            },
          }),
        ],
      });
      const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
      expect(SubagentError.isInstance(error), String(error)).toBe(true);
      expect((error as Error).message).toContain(`a run ${MAX_RUN_DEPTH + 1} deep`);
      expect(starts).toBe(MAX_RUN_DEPTH + 1);
    },
  );

  it('runs one after another and at once, each running another agent from a hook, are never refused', async () => {
    const runs = MAX_RUN_DEPTH + 6;
    const turns = () => Array.from({ length: 2 * runs }, () => textTurn('ok'));
    const helper = createAgent({ gemini: createScriptedGemini(turns()), model: MODEL });
    const agent = createAgent({
      gemini: createScriptedGemini(turns()),
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'asks-another',
          beforeModelCall: async () => {
            await nest(helper, mode);
          },
        }),
      ],
    });
    for (let index = 0; index < runs; index++) {
      expect((await runBothWays(mode, agent, 'A.')).result.text).toBe('ok');
    }
    const together = await Promise.all(
      Array.from({ length: runs }, () => runBothWays(mode, agent, 'A.')),
    );
    expect(together.map(({ result }) => result.text)).toEqual(Array(runs).fill('ok'));
  });
});

describe("a recorded hook (a durable runner's step) that runs its own agent", () => {
  it('ends at the depth limit too, however late the recorder calls it', async () => {
    // As @gemloop/dbos records a hook: the call runs inside the recorder's step, later than the
    // loop asked for it. Each nested run is a durable-style run with the same recorder.
    const record: PluginHookRecorder = async (_name, call) => {
      await new Promise((resolve) => setImmediate(resolve));
      return call();
    };
    const gemini = createScriptedGemini([]);
    let starts = 0;
    const agent: Agent<undefined> = createAgent({
      gemini,
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'recursive',
          recorded: ['beforeModelCall'],
          beforeModelCall: async () => {
            starts++;
            await agentTurnsOf(agent).stream('Again.', undefined, undefined, undefined, record)
              .result;
          },
        }),
      ],
    });
    const stream = agentTurnsOf(agent).stream('Go.', undefined, undefined, undefined, record);
    const error = await rejectionOf(stream.result);
    expect(SubagentError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toContain(
      `agent.stream() would start a run ${MAX_RUN_DEPTH + 1} deep`,
    );
    expect(starts).toBe(MAX_RUN_DEPTH + 1);
    expect(gemini.calls).toHaveLength(0);
  });
});
