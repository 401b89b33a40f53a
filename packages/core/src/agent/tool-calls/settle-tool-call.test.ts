import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../__fixtures__/run-both-ways.ts';
import {
  callsTurn,
  createScriptedGemini,
  modelTurn,
  textTurn,
} from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { ToolExecutionError } from '../errors/tool-execution-error.ts';

// How each call of a turn is settled: the record a step keeps (what the app reads afterwards,
// what a recording and the viewer show) and the functionResponse the model gets, one per call,
// in call order, whatever the outcome.

const MODEL = 'gemini-2.5-flash';

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers.',
  parameters: z.object({ a: z.coerce.number(), b: z.coerce.number().default(0) }),
  execute: ({ a, b }) => ({ sum: a + b }),
});

const fail = defineTool({
  name: 'fail',
  description: 'Always fails.',
  parameters: z.object({}),
  execute: () => {
    throw new RangeError('out of range');
  },
});

describe.each(RUN_MODES)('the records of a turn’s calls (%s)', (mode) => {
  it('records each outcome with what the app needs, and answers every call in call order', async () => {
    const gemini = createScriptedGemini([
      callsTurn(
        ['add', { a: '2', b: '3' }, 'c1'],
        ['add', { a: 'two' }, 'c2'],
        ['missing', { x: 1 }, 'c3'],
        ['fail', {}, 'c4'],
      ),
      textTurn('Done.'),
    ]);
    const agent = createAgent({ gemini, model: MODEL, tools: [add, fail] });
    const { result } = await runBothWays(mode, agent, 'Go.');
    const calls = result.steps[0]?.toolCalls ?? [];
    expect(calls.map((call) => [call.toolCallId, call.toolName, call.outcome])).toEqual([
      ['c1', 'add', 'success'],
      ['c2', 'add', 'invalid-args'],
      ['c3', 'missing', 'unknown-tool'],
      ['c4', 'fail', 'execution-error'],
    ]);
    // The model's arguments as it sent them, and as the tool's schema made them.
    expect(calls[0]).toMatchObject({
      rawArgs: { a: '2', b: '3' },
      args: { a: 2, b: 3 },
      output: { sum: 5 },
    });
    expect(calls[0]?.error).toBeUndefined();
    expect(calls[1]?.rawArgs).toEqual({ a: 'two' });
    expect(calls[1]?.args).toBeUndefined();
    expect(calls[1]?.error).toContain('a');
    expect(calls[2]?.error).toContain("Unknown function 'missing'");
    expect(calls[3]?.error).toBe('fail failed: RangeError: out of range');
    expect(calls[3]?.cause).toBeInstanceOf(RangeError);
    // One response per call, in the order the model called them, each with its own id.
    const responses = gemini.contentsOf(1).at(-1)?.parts ?? [];
    expect(responses.map((part) => part.functionResponse?.id)).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(responses.map((part) => part.functionResponse?.name)).toEqual([
      'add',
      'add',
      'missing',
      'fail',
    ]);
    expect(calls.map((call) => call.response)).toEqual(
      responses.map((part) => part.functionResponse),
    );
  });

  it('applies a schema default the model left out, and keeps rawArgs as the model sent them', async () => {
    const gemini = createScriptedGemini([callsTurn(['add', { a: 4 }, 'c1']), textTurn('4.')]);
    const { result } = await runBothWays(
      mode,
      createAgent({ gemini, model: MODEL, tools: [add] }),
      'Go.',
    );
    const call = result.steps[0]?.toolCalls[0];
    expect(call?.rawArgs).toEqual({ a: 4 });
    expect(call?.args).toEqual({ a: 4, b: 0 });
    expect(call?.output).toEqual({ sum: 4 });
  });

  it('answers calls without wire ids without inventing one, each still told apart in the record', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['add', { a: 1 }], ['add', { a: 2 }]),
      textTurn('Done.'),
    ]);
    const { result } = await runBothWays(
      mode,
      createAgent({ gemini, model: MODEL, tools: [add] }),
      'Go.',
    );
    const calls = result.steps[0]?.toolCalls ?? [];
    expect(calls.map((call) => call.hasWireId)).toEqual([false, false]);
    expect(new Set(calls.map((call) => call.toolCallId)).size).toBe(2);
    const responses = gemini.contentsOf(1).at(-1)?.parts ?? [];
    expect(responses.map((part) => part.functionResponse)).toEqual([
      { name: 'add', response: { sum: 1 } },
      { name: 'add', response: { sum: 2 } },
    ]);
  });

  it('answers two calls that share a wire id each with its own result', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['add', { a: 1 }, 'same'], ['add', { a: 2 }, 'same']),
      textTurn('Done.'),
    ]);
    const { result } = await runBothWays(
      mode,
      createAgent({ gemini, model: MODEL, tools: [add] }),
      'Go.',
    );
    expect(result.steps[0]?.toolCalls.map((call) => call.output)).toEqual([{ sum: 1 }, { sum: 2 }]);
    const responses = gemini.contentsOf(1).at(-1)?.parts ?? [];
    expect(responses.map((part) => part.functionResponse?.response)).toEqual([
      { sum: 1 },
      { sum: 2 },
    ]);
  });

  it('keeps the call order in the answers when the calls finish in the reverse order', async () => {
    const releases: (() => void)[] = [];
    const slow = defineTool({
      name: 'slow',
      description: 'Waits to be released.',
      parameters: z.object({ n: z.number() }),
      execute: ({ n }) =>
        new Promise<number>((resolve) => {
          releases.push(() => resolve(n));
          // Release in reverse once all three have started.
          if (releases.length === 3) for (const release of releases.reverse()) release();
        }),
    });
    const gemini = createScriptedGemini([
      callsTurn(['slow', { n: 1 }, 'a'], ['slow', { n: 2 }, 'b'], ['slow', { n: 3 }, 'c']),
      textTurn('Done.'),
    ]);
    await runBothWays(mode, createAgent({ gemini, model: MODEL, tools: [slow] }), 'Go.');
    const responses = gemini.contentsOf(1).at(-1)?.parts ?? [];
    expect(
      responses.map((part) => [part.functionResponse?.id, part.functionResponse?.response]),
    ).toEqual([
      ['a', { output: 1 }],
      ['b', { output: 2 }],
      ['c', { output: 3 }],
    ]);
  });

  it('measures a call with the agent’s clock', async () => {
    let now = 1_000;
    const timed = defineTool({
      name: 'timed',
      description: 'Takes 250 ms of the injected clock.',
      parameters: z.object({}),
      execute: () => {
        now += 250;
        return 'ok';
      },
    });
    const gemini = createScriptedGemini([callsTurn(['timed', {}, 'c1']), textTurn('Done.')]);
    const agent = createAgent({ gemini, model: MODEL, tools: [timed], now: () => now });
    const { result } = await runBothWays(mode, agent, 'Go.');
    expect(result.steps[0]?.toolCalls[0]?.durationMs).toBe(250);
  });

  it('hands the stream’s tool-call event and the record the same rawArgs for a call without args', async () => {
    const noArgs = defineTool({
      name: 'ping',
      description: 'Pings.',
      parameters: z.object({}),
      execute: () => 'pong',
    });
    const gemini = createScriptedGemini([
      modelTurn([{ functionCall: { id: 'c1', name: 'ping' } }]),
      textTurn('Done.'),
    ]);
    const { result, events } = await runBothWays(
      mode,
      createAgent({ gemini, model: MODEL, tools: [noArgs] }),
      'Go.',
    );
    const record = result.steps[0]?.toolCalls[0];
    expect(record?.rawArgs).toEqual({});
    expect(record?.output).toBe('pong');
    if (mode === 'stream') {
      const event = events.find((candidate) => candidate.type === 'tool-call');
      expect(event?.type === 'tool-call' && event.args).toBe(record?.rawArgs);
    }
  });
});

describe.each(RUN_MODES)("toolErrors: 'throw' (%s)", (mode) => {
  it('ends the run with a ToolExecutionError naming the call, its cause kept, the turn answered', async () => {
    const gemini = createScriptedGemini([callsTurn(['add', { a: 1 }, 'c1'], ['fail', {}, 'c2'])]);
    const agent = createAgent({ gemini, model: MODEL, tools: [add, fail], toolErrors: 'throw' });
    const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
    expect(ToolExecutionError.isInstance(error)).toBe(true);
    const failed = error as ToolExecutionError;
    expect(failed).toMatchObject({ toolName: 'fail', toolCallId: 'c2' });
    expect(failed.cause).toBeInstanceOf(RangeError);
    const last = failed.run.contents.at(-1);
    expect(last?.role).toBe('user');
    expect(last?.parts.map((part) => part.functionResponse?.id)).toEqual(['c1', 'c2']);
    expect(gemini.calls).toHaveLength(1);
  });

  it.each([
    ['bad arguments', callsTurn(['add', { a: 'x' }, 'c1']), 'ToolInputError'],
    ['an unknown tool', callsTurn(['missing', {}, 'c1']), undefined],
  ])(
    'ends the run on %s too, typed, with the call answered in the history',
    async (_, turn, name) => {
      const gemini = createScriptedGemini([turn]);
      const agent = createAgent({ gemini, model: MODEL, tools: [add], toolErrors: 'throw' });
      const error = (await rejectionOf(runBothWays(mode, agent, 'Go.'))) as Error & {
        run: { contents: { role: string; parts: { functionResponse?: { id?: string } }[] }[] };
      };
      if (name !== undefined) expect(error.name).toBe(name);
      expect(error.message).toContain("toolErrors: 'throw'");
      expect(error.run.contents.at(-1)?.parts[0]?.functionResponse?.id).toBe('c1');
      expect(gemini.calls).toHaveLength(1);
    },
  );

  it('stops the other calls of the turn: a call still running sees its signal aborted', async () => {
    let sawAbort = false;
    const waits = defineTool({
      name: 'waits',
      description: 'Waits for its signal.',
      parameters: z.object({}),
      execute: (_input, { signal }) =>
        new Promise<string>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(signal.reason);
          });
        }),
    });
    const gemini = createScriptedGemini([callsTurn(['waits', {}, 'c1'], ['fail', {}, 'c2'])]);
    const agent = createAgent({ gemini, model: MODEL, tools: [waits, fail], toolErrors: 'throw' });
    const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
    expect(ToolExecutionError.isInstance(error)).toBe(true);
    expect(sawAbort).toBe(true);
    const record = (error as ToolExecutionError).run.steps.at(-1)?.toolCalls[0];
    expect(record?.outcome).toBe('aborted');
  });
});
