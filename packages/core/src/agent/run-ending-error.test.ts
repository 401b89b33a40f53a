import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define/define-tool.ts';
import type { ToolExecuteContext } from '../tools/tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from './agent-event.ts';
import type { BeforeToolCallContext } from './config/agent-options.ts';
import { createAgent } from './create-agent.ts';
import { ModelCallError } from './errors/model-call-error.ts';

/** What a host (a durable workflow engine) throws when this process lost the run. */
class LostRunError extends Error {
  override name = 'LostRunError';
}
const isLost = (error: unknown): boolean => error instanceof LostRunError;

const lost = new LostRunError('this execution no longer owns the run');
const model = 'gemini-3-flash-preview';

describe('isRunEndingError', () => {
  it('a tool that throws a run-ending error ends the run with that error: no response, no model call again, the other calls aborted', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['leave', {}, 'c1'], ['after', {}, 'c2']),
      textTurn('never asked'),
    ]);
    const ran: string[] = [];
    let afterSignal: AbortSignal | undefined;
    // `leave` throws once `after` runs: which of two parallel calls starts first is the
    // scheduler's to decide ('as-ready'), and a call the turn's end met before it started would
    // never run at all.
    let startAfter = (): void => {};
    const afterStarted = new Promise<void>((resolve) => {
      startAfter = resolve;
    });
    const leave = defineTool({
      name: 'leave',
      parameters: z.object({}),
      execute: async () => {
        ran.push('leave');
        await afterStarted;
        throw lost;
      },
    });
    const after = defineTool({
      name: 'after',
      parameters: z.object({}),
      execute: (_args, context) => {
        ran.push('after');
        afterSignal = context.signal;
        startAfter();
        return new Promise(() => {});
      },
    });
    const steps: number[] = [];
    const agent = createAgent({
      gemini,
      model,
      tools: [leave, after],
      isRunEndingError: isLost,
      onStepEnd: (step) => {
        steps.push(step.stepNumber);
      },
    });
    const stream = agent.stream('Go');
    const events: AgentEvent<string>[] = [];
    await expect(
      (async () => {
        for await (const event of stream) events.push(event);
      })(),
    ).rejects.toBe(lost);
    await expect(stream.result).rejects.toBe(lost);
    // The model was called once: the lost run is not answered by asking it again.
    expect(gemini.calls).toHaveLength(1);
    expect(ran.toSorted()).toEqual(['after', 'leave']);
    // The turn's other call was stopped, with the run-ending error as the reason.
    expect(afterSignal?.aborted).toBe(true);
    expect(afterSignal?.reason).toBe(lost);
    // The error was never the tool's: no tool-error event carries it, no step ended.
    expect(
      events.some(
        (event) => event.type === 'tool-error' && event.toolCall.outcome === 'execution-error',
      ),
    ).toBe(false);
    expect(steps).toEqual([]);
  });

  it('without the option (or when it answers false) the same throw is the tool error the model sees', async () => {
    const gemini = createScriptedGemini([callsTurn(['leave', {}, 'c1']), textTurn('ok')]);
    const leave = defineTool({
      name: 'leave',
      parameters: z.object({}),
      execute: async () => {
        throw lost;
      },
    });
    const result = await createAgent({
      gemini,
      model,
      tools: [leave],
      isRunEndingError: () => false,
    }).run('Go');
    expect(result.text).toBe('ok');
    expect(gemini.calls).toHaveLength(2);
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('execution-error');
  });

  it('a predicate that throws counts as false', async () => {
    const gemini = createScriptedGemini([callsTurn(['leave', {}, 'c1']), textTurn('ok')]);
    const leave = defineTool({
      name: 'leave',
      parameters: z.object({}),
      execute: async () => {
        throw lost;
      },
    });
    const result = await createAgent({
      gemini,
      model,
      tools: [leave],
      isRunEndingError: () => {
        throw new Error('broken predicate');
      },
    }).run('Go');
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('execution-error');
  });

  it('a beforeToolCall that throws one ends the run with it, not an AgentRunError', async () => {
    const gemini = createScriptedGemini([callsTurn(['noop', {}, 'c1']), textTurn('never')]);
    const noop = defineTool({ name: 'noop', parameters: z.object({}), execute: () => 'ran' });
    const run = createAgent({
      gemini,
      model,
      tools: [noop],
      isRunEndingError: isLost,
      beforeToolCall: () => {
        throw lost;
      },
    }).run('Go');
    await expect(run).rejects.toBe(lost);
    expect(gemini.calls).toHaveLength(1);
  });

  it('a model call that fails with one ends the run with it, not a ModelCallError', async () => {
    const gemini = createScriptedGemini([{ error: lost }]);
    await expect(createAgent({ gemini, model, isRunEndingError: isLost }).run('Go')).rejects.toBe(
      lost,
    );
    const other = createScriptedGemini([{ error: lost }]);
    await expect(createAgent({ gemini: other, model }).run('Go')).rejects.toBeInstanceOf(
      ModelCallError,
    );
  });
});

describe('callIndex', () => {
  it('tells apart two calls of one turn with the same id, in the hook and in the tool', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['echo', { n: 1 }, 'same'], ['echo', { n: 2 }, 'same']),
      callsTurn(['echo', { n: 3 }, 'same']),
      textTurn('done'),
    ]);
    const seen: { hook: string[]; tool: string[] } = { hook: [], tool: [] };
    const echo = defineTool({
      name: 'echo',
      parameters: z.object({ n: z.number() }),
      execute: ({ n }, context: ToolExecuteContext) => {
        seen.tool.push(`${context.step}.${context.callIndex}:${context.toolCallId}:${n}`);
        return n;
      },
    });
    await createAgent({
      gemini,
      model,
      tools: [echo],
      beforeToolCall: (call: BeforeToolCallContext) => {
        seen.hook.push(`${call.stepNumber}.${call.callIndex}:${call.toolCallId}`);
      },
    }).run('Go');
    expect(seen.hook).toEqual(['1.0:same', '1.1:same', '2.0:same']);
    expect(seen.tool).toEqual(['1.0:same:1', '1.1:same:2', '2.0:same:3']);
  });
});
