import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createScriptedGemini, textTurn } from '../agent/__fixtures__/scripted-gemini.ts';
import { type Agent, createAgent } from '../agent/create-agent.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import { preloadRunLoop } from '../agent/loaded-loop.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { callAtDepth, MAX_RUN_DEPTH } from '../agent/run-state/run-link.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';

// A Live session counts run depth as the loop does (leftovers46's MAX_RUN_DEPTH): opened by a hook
// or tool of a run `d` deep (before its first await), it is `d + 1` deep, and an agent.run() its
// tool or plugin hook makes starts one deeper still, refused past the limit. Before, a session's
// tools and hooks ran at depth 0: a run -> Live session -> run -> ... chain never met the bound.

/** What an agent.run() made from inside the live session met: its answer, or its refusal. */
type Outcome = { text?: string; error?: unknown };

function innerAgent(): Agent<undefined> {
  return createAgent({ gemini: createScriptedGemini([textTurn('inner')]), model: 'gemini-test' });
}

/** Starts `inner.run()` synchronously (as a hook or tool does before its first await). */
function runInner(inner: Agent<undefined>, outcome: Outcome): Promise<string> {
  return inner.run('Hi.').then(
    (result) => {
      outcome.text = result.text;
      return 'ran';
    },
    (error: unknown) => {
      outcome.error = error;
      return 'refused';
    },
  );
}

/** A session opened as a hook or tool `depth` deep opens it, one tool call, read to its turn's end. */
async function sessionAt(
  depth: number,
  agentOptions: Parameters<typeof liveFixture>[1],
): Promise<void> {
  const { agent } = await liveFixture(
    {
      script: [[{ toolCalls: [{ name: 'ask', args: {}, id: 't1' }] }], [{ text: 'Done.' }]],
    },
    agentOptions,
  );
  const session = await callAtDepth(depth, createLiveSession, agent);
  try {
    session.sendText('Go.');
    await readUntil(session[Symbol.asyncIterator](), (event) => event.type === 'turn-end');
  } finally {
    await session.close();
  }
}

describe('run depth in a Live session', () => {
  // A session opened by a run's hook or tool exists only once a run loaded the loop, through
  // which agent.run() reads the depth (`runningDepthNow`); callAtDepth stands in for that run here.
  beforeAll(preloadRunLoop);

  it("a tool's agent.run() is one deeper than the session, refused past the limit", async () => {
    const inner = innerAgent();
    const outcome: Outcome = {};
    const ask = defineTool({
      name: 'ask',
      description: 'Asks the inner agent.',
      parameters: z.object({}),
      execute: () => runInner(inner, outcome),
    });
    // Opened by a hook of a run MAX - 1 deep: the session is MAX deep, its tool's run MAX + 1.
    await sessionAt(MAX_RUN_DEPTH - 1, { tools: [ask] });
    expect(SubagentError.isInstance(outcome.error), String(outcome.error)).toBe(true);
    expect((outcome.error as Error).message).toContain(`a run ${MAX_RUN_DEPTH + 1} deep`);
  });

  it("a plugin hook's agent.run() counts the same way", async () => {
    const inner = innerAgent();
    const outcome: Outcome = {};
    const ask = defineTool({
      name: 'ask',
      description: 'Answers.',
      parameters: z.object({}),
      execute: () => 'ok',
    });
    const asks = definePlugin({
      name: 'asks-inner',
      beforeToolCall: async () => {
        await runInner(inner, outcome);
      },
    });
    await sessionAt(MAX_RUN_DEPTH - 1, { tools: [ask], plugins: [asks] });
    expect(SubagentError.isInstance(outcome.error), String(outcome.error)).toBe(true);
    expect((outcome.error as Error).message).toContain(`a run ${MAX_RUN_DEPTH + 1} deep`);
  });

  it('a run at the limit itself still runs, and a session opened at top level counts from 0', async () => {
    for (const depth of [MAX_RUN_DEPTH - 2, -1]) {
      const inner = innerAgent();
      const outcome: Outcome = {};
      const ask = defineTool({
        name: 'ask',
        description: 'Asks the inner agent.',
        parameters: z.object({}),
        execute: () => runInner(inner, outcome),
      });
      await sessionAt(depth, { tools: [ask] });
      expect(outcome, `opened at ${depth}`).toEqual({ text: 'inner' });
    }
  });
});
