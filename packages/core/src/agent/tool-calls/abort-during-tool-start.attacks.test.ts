import { setTimeout as sleep } from 'node:timers/promises';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { AgentAbortedError } from '@gemloop/core/errors';
import { createFakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// attack48a: a run aborted while one of its tools was starting (the tool's synchronous part: a
// "stop" tool that aborts the run it serves, a callback that cancels the request). The run ended
// at once, but the signal the tool had taken from its context was never aborted: a tool that
// honours its signal went on with its work (a download, a query) to the end of it, or to its
// time limit, its run long over. Found with a hundred runs at once where half of them stop
// themselves this way.

const MODEL = 'gemini-2.5-flash';

type Ending = { run: number; by: 'abort' | 'finished'; signalAborted: boolean };

describe('a run aborted during its tool’s synchronous start', () => {
  it('aborts the signal the tool took, in each run that stopped itself and in no other', async () => {
    const script: FakeScriptFunction = (_request, context) => {
      const run = Number(/run-(\d+)-/.exec(context.lastUserText ?? '')?.[1] ?? -1);
      return context.functionResponses.length === 0
        ? turn.call('work', { run })
        : turn.text(`done run-${run}-`);
    };
    await using fake = createFakeGemini({ script, keepRequests: 4 });
    const { url } = await fake.listen();
    const controllers = new Map<number, AbortController>();
    const endings: Ending[] = [];
    const work = defineTool({
      name: 'work',
      parameters: z.object({ run: z.number() }),
      execute: async ({ run }, { signal }) => {
        // Even runs stop themselves before the tool's first await.
        if (run % 2 === 0) controllers.get(run)?.abort(new Error(`run ${run} stops itself`));
        let by: Ending['by'] = 'finished';
        // Long for a stopped run (the bug let it sleep it out), short for the others.
        await sleep(run % 2 === 0 ? 2_000 : 20, undefined, { signal }).catch(() => {
          by = 'abort';
        });
        endings.push({ run, by, signalAborted: signal.aborted });
        return { run };
      },
    });
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: MODEL,
      tools: [work],
    });
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, async (_, run) => {
        const controller = new AbortController();
        controllers.set(run, controller);
        const input = `question of run-${run}-`;
        try {
          if (run % 4 < 2) return (await agent.run(input, { signal: controller.signal })).text;
          const stream = agent.stream(input, { signal: controller.signal });
          for await (const _event of stream);
          return (await stream.result).text;
        } catch (error) {
          return error;
        }
      }),
    );
    // Every tool has ended. A stopped run's tool that was not told of its abort sleeps its 2 s out
    // and ends 'finished', its signal not aborted, which the check of the endings below refuses:
    // what fails the test is how the tool ended, not how long it took (the poll's limit is a hang
    // guard only, for a machine at load 20).
    await expect.poll(() => endings.length, { timeout: 60_000, interval: 20 }).toBe(100);
    await agent.close();

    for (const [run, outcome] of outcomes.entries()) {
      if (run % 2 === 0) expect(AgentAbortedError.isInstance(outcome), `run ${run}`).toBe(true);
      else expect(outcome).toBe(`done run-${run}-`);
    }
    for (const ending of endings) {
      expect(ending, `run ${ending.run}`).toEqual({
        run: ending.run,
        by: ending.run % 2 === 0 ? 'abort' : 'finished',
        signalAborted: ending.run % 2 === 0,
      });
    }
  });

  it('aborts it too for a tool without a time limit', async () => {
    await using fake = createFakeGemini({ script: [turn.call('work', {}), turn.text('done')] });
    const { url } = await fake.listen();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const work = defineTool({
      name: 'work',
      parameters: z.object({}),
      execute: async (_args, { signal }) => {
        seen = signal;
        controller.abort(new Error('stop'));
        await sleep(2_000, undefined, { signal }).catch(() => {});
        return {};
      },
    });
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: MODEL,
      tools: [work],
      toolTimeoutMs: Number.POSITIVE_INFINITY,
    });
    const outcome = await agent.run('go', { signal: controller.signal }).catch((error) => error);
    expect(AgentAbortedError.isInstance(outcome)).toBe(true);
    expect(seen?.aborted).toBe(true);
    await agent.close();
  });
});
