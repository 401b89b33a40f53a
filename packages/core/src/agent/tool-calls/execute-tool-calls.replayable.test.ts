import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import type { AgentOptions } from '../config/agent-options.ts';
import { createAgent } from '../create-agent.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import { ToolExecutionError } from '../errors/tool-execution-error.ts';

// `toolCallOrder: 'replayable'`: what a durable engine needs of a turn of parallel calls (every
// decision first, in call order; starts in call order; settled in call order), with the calls
// still running at once.

/** A promise and its resolver. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Lets pending promise callbacks and timers of this tick run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Three calls of `work` in one turn, then an answer. */
function threeCallsGemini(): ReturnType<typeof createScriptedGemini> {
  return createScriptedGemini([
    callsTurn(['work', { n: 0 }, 'c0'], ['work', { n: 1 }, 'c1'], ['work', { n: 2 }, 'c2']),
    textTurn('done'),
  ]);
}

function agentWith(
  gemini: ReturnType<typeof createScriptedGemini>,
  options: Omit<AgentOptions, 'gemini' | 'model'>,
): ReturnType<typeof createAgent> {
  return createAgent({ gemini, model: 'gemini-3-flash-preview', ...options });
}

describe("toolCallOrder: 'replayable'", () => {
  it('makes every decision first, one at a time in call order, then starts the calls in call order, all at once', async () => {
    const log: string[] = [];
    // Each call waits until all three run: a turn run one call at a time never gets past it.
    let running = 0;
    const allRunning = deferred();
    const work = defineTool({
      name: 'work',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        log.push(`start ${n}`);
        running++;
        if (running === 3) allRunning.resolve();
        await allRunning.promise;
        return n * 10;
      },
    });
    const gemini = threeCallsGemini();
    const agent = agentWith(gemini, {
      tools: [work],
      toolCallOrder: 'replayable',
      beforeToolCall: async ({ callIndex }) => {
        log.push(`ask ${callIndex}`);
        // The first hook takes longest: asked at once, the others would be asked meanwhile.
        for (let tick = 0; tick < 3 - callIndex; tick++) await settle();
        log.push(`decided ${callIndex}`);
        return undefined;
      },
    });
    const result = await agent.run('Go');
    expect(log).toEqual([
      'ask 0',
      'decided 0',
      'ask 1',
      'decided 1',
      'ask 2',
      'decided 2',
      'start 0',
      'start 1',
      'start 2',
    ]);
    expect(result.steps[0]?.toolCalls?.map((call) => call.output)).toEqual([0, 10, 20]);
  });

  it('emits the results in call order when later calls end first, each with its own duration', async () => {
    let clock = 0;
    const gates = [deferred(), deferred(), deferred()];
    const ended: number[] = [];
    const work = defineTool({
      name: 'work',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        await gates[n]?.promise;
        ended.push(n);
        return n;
      },
    });
    const gemini = threeCallsGemini();
    const agent = agentWith(gemini, {
      tools: [work],
      toolCallOrder: 'replayable',
      now: () => clock,
    });
    const stream = agent.stream('Go');
    const order: string[] = [];
    const reading = (async () => {
      for await (const event of stream) {
        if (event.type === 'tool-result') order.push(event.toolCall.toolCallId);
      }
    })();
    // The last call ends first (at 5), then the middle one (at 7), then the first (at 9).
    await settle();
    clock = 5;
    gates[2]?.resolve();
    await settle();
    clock = 7;
    gates[1]?.resolve();
    await settle();
    clock = 9;
    gates[0]?.resolve();
    await reading;
    const result = await stream.result;
    expect(ended).toEqual([2, 1, 0]);
    expect(order).toEqual(['c0', 'c1', 'c2']);
    expect(result.steps[0]?.toolCalls?.map((call) => call.durationMs)).toEqual([9, 7, 5]);
  });

  it("fails a turn on its first failing call in call order with toolErrors: 'throw', not on the first to end", async () => {
    const first = deferred();
    const work = defineTool({
      name: 'work',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        if (n === 0) {
          await first.promise;
          return 'first';
        }
        throw new Error(`call ${n} broke`);
      },
    });
    const gemini = threeCallsGemini();
    const agent = agentWith(gemini, {
      tools: [work],
      toolCallOrder: 'replayable',
      toolErrors: 'throw',
    });
    const running = agent.run('Go').catch((caught: unknown) => caught);
    // Calls 1 and 2 have failed by now; call 0 is still running and is not aborted by them.
    await settle();
    first.resolve();
    const error = (await running) as ToolExecutionError;
    expect(ToolExecutionError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/call 1 broke/);
    expect(error.run.contents.at(-1)?.parts.map((part) => part.functionResponse?.response)).toEqual(
      [
        { output: 'first' },
        { error: 'work failed: call 1 broke' },
        { error: 'work failed: call 2 broke' },
      ],
    );
  });

  it('asks no later call and runs no earlier one when a hook fails', async () => {
    const asked: number[] = [];
    const ran: number[] = [];
    const work = defineTool({
      name: 'work',
      parameters: z.object({ n: z.number() }),
      execute: ({ n }) => {
        ran.push(n);
        return n;
      },
    });
    const gemini = threeCallsGemini();
    const agent = agentWith(gemini, {
      tools: [work],
      toolCallOrder: 'replayable',
      beforeToolCall: ({ callIndex }) => {
        asked.push(callIndex);
        if (callIndex === 1) throw new Error('approval service down');
      },
    });
    const error = (await agent.run('Go').catch((caught: unknown) => caught)) as AgentRunError;
    expect(AgentRunError.isInstance(error)).toBe(true);
    expect(asked).toEqual([0, 1]);
    expect(ran).toEqual([]);
    expect(error.run.contents.at(-1)?.parts).toHaveLength(3);
  });

  it('runs one call at a time in call order with toolConcurrency: 1, whatever ends first', async () => {
    const log: string[] = [];
    const work = defineTool({
      name: 'work',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        log.push(`start ${n}`);
        for (let tick = 0; tick < 3 - n; tick++) await settle();
        log.push(`end ${n}`);
        return n;
      },
    });
    const agent = agentWith(threeCallsGemini(), {
      tools: [work],
      toolCallOrder: 'replayable',
      toolConcurrency: 1,
    });
    await agent.run('Go');
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('refuses an unknown order with a message that names the choices', () => {
    expect(() =>
      createAgent({
        gemini: threeCallsGemini(),
        model: 'gemini-3-flash-preview',
        toolCallOrder: 'call-order' as 'replayable',
      }),
    ).toThrow(/toolCallOrder.*as-ready.*replayable/s);
  });
});
