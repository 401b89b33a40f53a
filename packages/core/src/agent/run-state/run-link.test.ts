import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { ToolExecuteContext } from '../../tools/tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { markChildRunTool, type RunLink, runLinkOf } from './run-link.ts';

// A tool that starts child runs (a subagent, an A2A agent) finds its run through the call's own
// context, the argument `execute(args, context)` takes (issue 53 item 6: it was a module-level
// WeakMap by context), and nothing of the run shows to code that reads or copies the context.

const MODEL = 'gemini-2.5-flash';

/** An agent whose one tool records what each call's context says of its run. */
function agentWith(childRuns: boolean, timeoutMs?: number) {
  const seen: { link: RunLink | undefined; keys: string[]; copied: RunLink | undefined }[] = [];
  const tool = defineTool({
    name: 'probe',
    description: 'Looks at its context.',
    parameters: z.object({}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    execute: (_args: unknown, context: ToolExecuteContext) => {
      seen.push({
        link: runLinkOf(context),
        keys: Object.keys(context),
        copied: runLinkOf({ ...context }),
      });
      return 'ok';
    },
  });
  if (childRuns) markChildRunTool(tool);
  const gemini = createScriptedGemini([callsTurn(['probe', {}, 'c1']), textTurn('Done.')]);
  return { agent: createAgent({ gemini, model: MODEL, tools: [tool] }), seen };
}

describe("a child-run tool's context carries its run's link", () => {
  for (const timeoutMs of [undefined, Number.POSITIVE_INFINITY]) {
    const path = timeoutMs === undefined ? 'with a time limit' : 'without a time limit';
    it(`the call's context has its run's link, not enumerable (${path})`, async () => {
      const { agent, seen } = agentWith(true, timeoutMs);
      await agent.run('Look.');
      expect(seen).toHaveLength(1);
      const [call] = seen as [(typeof seen)[number]];
      // The top run's link: no path above it, the turn's count of child-run calls set.
      expect(call.link?.path).toEqual([]);
      expect(call.link?.turn.children).toBe(1);
      // A tool that logs or spreads its context shows nothing of the run.
      expect(call.keys).not.toContain('gemloopRunLink');
      expect(call.copied).toBeUndefined();
    });
  }

  it('each run sees its own link, runs side by side', async () => {
    const one = agentWith(true);
    const two = agentWith(true);
    const started = [one.agent.stream('Look.'), two.agent.stream('Look.')];
    await Promise.all(started.map((stream) => stream.result));
    const [first, second] = [one.seen[0]?.link, two.seen[0]?.link];
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(first).not.toBe(second);
    // Each is its own run's: the stream's link, not the unary one (nothing shared between them).
    expect(first?.streaming).toBe(true);
    expect(second?.streaming).toBe(true);
  });

  it('a plain tool gets no link', async () => {
    const { agent, seen } = agentWith(false);
    await agent.run('Look.');
    expect(seen.map(({ link }) => link)).toEqual([undefined]);
  });

  it('a context made outside a run has none', () => {
    expect(runLinkOf({ toolCallId: 'x', step: 1 })).toBeUndefined();
  });
});
