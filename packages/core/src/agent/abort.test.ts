import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateHistory } from '../history/validate-history.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { createAgent } from './create-agent.ts';
import { AgentAbortedError } from './errors/agent-aborted-error.ts';

const quick = defineTool({ name: 'quick', parameters: z.object({}), execute: () => 'fast' });

// Each test aborts from inside the phase it checks (the model call, a chunk, a tool), never after a
// fixed delay: a run's first call loads code on first use, which took longer than a 10 ms timer on
// a loaded machine, and the abort came before the call ('between-steps').
const stop = (controller: AbortController): void =>
  controller.abort(new Error('user pressed stop'));

describe('aborting a run', () => {
  it('stops during a model call; the history is the input, the call is dropped', async () => {
    const controller = new AbortController();
    // Stops while the call is out, then hangs as `{ hang: true }` does (until the signal ends it).
    const gemini = createScriptedGemini([
      () => {
        stop(controller);
        return new Promise<never>(() => {});
      },
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });

    const error = (await agent
      .run('Hi', { signal: controller.signal })
      .catch((caught: unknown) => caught)) as AgentAbortedError;

    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect(error.phase).toBe('model-call');
    expect((error.cause as Error).message).toBe('user pressed stop');
    expect(error.run.contents).toEqual([{ role: 'user', parts: [{ text: 'Hi' }] }]);
    expect(error.run.steps).toEqual([]);
    expect(gemini.calls[0]?.signal?.aborted).toBe(true);
  });

  it('stops during a stream; the partial answer is not in the history', async () => {
    const gemini = createScriptedGemini([
      {
        chunks: [{ candidates: [{ content: { role: 'model', parts: [{ text: 'Once upon' }] } }] }],
        thenHang: true,
      },
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const controller = new AbortController();
    const stream = agent.stream('Tell a story', { signal: controller.signal });
    const texts: string[] = [];
    const error = await (async () => {
      for await (const event of stream) {
        if (event.type !== 'text-delta') continue;
        texts.push(event.text);
        // The first chunk is in; the stream then hangs until the stop.
        stop(controller);
      }
    })().catch((caught: unknown) => caught);

    expect(texts).toEqual(['Once upon']);
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect((error as AgentAbortedError).phase).toBe('model-call');
    expect((error as AgentAbortedError).run.contents).toHaveLength(1);
    await expect(stream.result).rejects.toBe(error);
  });

  it('stops during tool calls: tools get the abort, every call is answered', async () => {
    let toolSignal: AbortSignal | undefined;
    const waits = defineTool({
      name: 'waits',
      parameters: z.object({}),
      execute: (_args, { signal }) => {
        toolSignal = signal;
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      },
    });
    const controller = new AbortController();
    // A tool that ignores its signal does not hold the run up. The last of the turn to start, it
    // stops the run once every call has started and `quick`'s answer is in (a timer runs after
    // the promise jobs that settle it).
    const stubborn = defineTool({
      name: 'stubborn',
      parameters: z.object({}),
      execute: () => {
        setTimeout(() => stop(controller), 0);
        return new Promise(() => {});
      },
    });
    const gemini = createScriptedGemini([
      callsTurn(['quick', {}, 'a'], ['waits', {}, 'b'], ['stubborn', {}, 'c']),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [quick, waits, stubborn],
    });

    const error = (await agent
      .run('Go', { signal: controller.signal })
      .catch((caught: unknown) => caught)) as AgentAbortedError;

    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect(error.phase).toBe('tool-calls');
    expect(toolSignal?.aborted).toBe(true);
    const responses = error.run.contents.at(-1)?.parts.map((part) => part.functionResponse);
    expect(responses).toEqual([
      { id: 'a', name: 'quick', response: { output: 'fast' } },
      {
        id: 'b',
        name: 'waits',
        response: { error: 'waits was not completed: the run was aborted.' },
      },
      {
        id: 'c',
        name: 'stubborn',
        response: { error: 'stubborn was not completed: the run was aborted.' },
      },
    ]);
    expect(error.run.steps[0]?.toolCalls.map((call) => call.outcome)).toEqual([
      'success',
      'aborted',
      'aborted',
    ]);
    expect(validateHistory(error.run.contents)).toEqual([]);
  });

  it('stops between steps', async () => {
    const controller = new AbortController();
    const gemini = createScriptedGemini([callsTurn(['quick', {}]), textTurn('never')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [quick],
      onStepEnd: () => controller.abort(),
    });
    const error = (await agent
      .run('Go', { signal: controller.signal })
      .catch((caught: unknown) => caught)) as AgentAbortedError;
    expect(error.phase).toBe('between-steps');
    expect(gemini.calls).toHaveLength(1);
    expect(error.run.contents).toHaveLength(3);
  });

  it('ends a call as aborted when the run is aborted while a synchronous tool runs', async () => {
    const controller = new AbortController();
    const stops = defineTool({
      name: 'stops',
      parameters: z.object({}),
      execute: (_args, { signal }) => {
        controller.abort(new Error('stopped from inside'));
        return { seenAborted: signal.aborted };
      },
    });
    const gemini = createScriptedGemini([
      callsTurn(['stops', {}], ['quick', {}]),
      textTurn('never'),
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [stops, quick] });
    const error = (await agent
      .run('Go', { signal: controller.signal })
      .catch((caught: unknown) => caught)) as AgentAbortedError;
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect(error.phase).toBe('tool-calls');
    expect(error.run.steps[0]?.toolCalls.map((call) => call.outcome)).toEqual([
      'aborted',
      'aborted',
    ]);
    expect(error.run.contents[2]?.parts).toEqual([
      {
        functionResponse: {
          name: 'stops',
          response: { error: 'stops was not completed: the run was aborted.' },
        },
      },
      {
        functionResponse: {
          name: 'quick',
          response: { error: 'quick was not completed: the run was aborted.' },
        },
      },
    ]);
    expect(validateHistory(error.run.contents)).toEqual([]);
  });

  it('makes no request with a signal that is already aborted', async () => {
    const gemini = createScriptedGemini([textTurn('never')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const error = await agent
      .run('Go', { signal: AbortSignal.abort() })
      .catch((caught: unknown) => caught);
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect(gemini.calls).toHaveLength(0);
  });
});
