import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { validateHistory } from '../../history/validate-history.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { toolResult } from '../../tools/responses/tool-result.ts';
import type { ToolExecuteContext } from '../../tools/tool.ts';
import type { FunctionResponse } from '../../wire/content.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import type { AgentOptions } from '../config/agent-options.ts';
import { DEFAULT_TOOL_CONCURRENCY, DEFAULT_TOOL_TIMEOUT_MS } from '../config/options/tool-runs.ts';
import { createAgent } from '../create-agent.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import { ToolExecutionError } from '../errors/tool-execution-error.ts';
import { ToolInputError } from '../errors/tool-input-error.ts';
import { ToolTimeoutError } from '../errors/tool-timeout-error.ts';
import { UnknownToolError } from '../errors/unknown-tool-error.ts';

const add = defineTool({
  name: 'add',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

/** Runs one model turn of `calls` through the agent and returns the responses sent back. */
async function answer(
  calls: Parameters<typeof callsTurn>,
  options: Omit<AgentOptions, 'gemini' | 'model'>,
): Promise<{ responses: FunctionResponse[]; gemini: ReturnType<typeof createScriptedGemini> }> {
  const gemini = createScriptedGemini([callsTurn(...calls), textTurn('done')]);
  await createAgent({ gemini, model: 'gemini-3-flash-preview', ...options }).run('Go');
  const responses = (gemini.contentsOf(1)[2]?.parts ?? []).map(
    (part) => part.functionResponse as FunctionResponse,
  );
  return { responses, gemini };
}

describe('executeToolCalls', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers an unknown function with an error that lists the available ones', async () => {
    const { responses } = await answer([['list_files', {}, 'x1']], { tools: [add] });
    expect(responses).toEqual([
      {
        id: 'x1',
        name: 'list_files',
        response: {
          error:
            "Unknown function 'list_files'. Available functions: add. Call one of these, or answer without a function.",
        },
      },
    ]);
  });

  it('answers invalid arguments with the issues and their paths', async () => {
    const { responses } = await answer([['add', { a: 'one', b: 2 }]], { tools: [add] });
    expect(responses[0]?.response['error']).toMatch(
      /^Invalid arguments for add: a: .*number.*\. Call add again with arguments that match its parameters\.$/,
    );
    expect(responses[0]?.response['issues']).toEqual([
      { path: 'a', message: expect.stringMatching(/number/) },
    ]);
  });

  it('answers a thrown error with its message, internal addresses redacted (issue 32)', async () => {
    const failing = defineTool({
      name: 'fetch_page',
      execute: () => {
        throw new Error('ECONNREFUSED 10.0.0.1:443');
      },
    });
    const { responses } = await answer([['fetch_page', {}]], { tools: [failing] });
    expect(responses[0]?.response).toEqual({
      error: 'fetch_page failed: ECONNREFUSED <host>',
    });
  });

  it('stops a call at its time limit, says the limit, and aborts the tool’s signal', async () => {
    let toolSignal: AbortSignal | undefined;
    const slow = defineTool({
      name: 'slow',
      timeoutMs: 20,
      execute: (_args, context) => {
        toolSignal = context.signal;
        return new Promise(() => {});
      },
    });
    const { responses } = await answer([['slow', {}]], { tools: [slow], toolTimeoutMs: 5000 });
    expect(responses[0]?.response).toEqual({
      error:
        'slow did not finish within 20 ms and was stopped. Try again with a smaller request, or do without it.',
    });
    expect(toolSignal?.aborted).toBe(true);
    expect((toolSignal?.reason as Error | undefined)?.message).toMatch(
      /tool:slow timed out after 20 ms/,
    );
  });

  it('uses the agent’s toolTimeoutMs for tools without their own', async () => {
    const slow = defineTool({ name: 'slow', execute: () => new Promise(() => {}) });
    const { responses } = await answer([['slow', {}]], { tools: [slow], toolTimeoutMs: 10 });
    expect(responses[0]?.response['error']).toMatch(/within 10 ms/);
  });

  it('runs all calls of a small turn at once by default', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const tracked = defineTool({
      name: 'tracked',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return n;
      },
    });
    const calls = [1, 2, 3, 4, 5].map((n): [string, Record<string, unknown>] => ['tracked', { n }]);
    const { responses } = await answer(calls, { tools: [tracked] });
    expect(maxInFlight).toBe(5);
    expect(responses.map((response) => response.response['output'])).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps at most toolConcurrency calls in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const tracked = defineTool({
      name: 'tracked',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5 * (6 - n)));
        inFlight--;
        return n * 10;
      },
    });
    const calls = [1, 2, 3, 4, 5].map((n): [string, Record<string, unknown>] => ['tracked', { n }]);
    const { responses } = await answer(calls, { tools: [tracked], toolConcurrency: 2 });
    expect(maxInFlight).toBe(2);
    expect(responses.map((response) => response.response['output'])).toEqual([10, 20, 30, 40, 50]);
  });

  it('runs at most DEFAULT_TOOL_CONCURRENCY calls at once when a turn has 10,000, and answers each in order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const tracked = defineTool({
      name: 'tracked',
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Two turns of the microtask queue: every started call is still in flight when the
        // workers, if unbounded, would start the next ones.
        await Promise.resolve();
        await Promise.resolve();
        inFlight--;
        return n;
      },
    });
    const count = 10_000;
    const calls = Array.from({ length: count }, (_, n): [string, Record<string, unknown>] => [
      'tracked',
      { n },
    ]);
    const { responses } = await answer(calls, { tools: [tracked] });
    expect(DEFAULT_TOOL_CONCURRENCY).toBe(8);
    expect(maxInFlight).toBe(DEFAULT_TOOL_CONCURRENCY);
    expect(responses).toHaveLength(count);
    expect(responses.every((response, n) => response.response['output'] === n)).toBe(true);
  });

  it('runs every call at once with toolConcurrency: Infinity', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const tracked = defineTool({
      name: 'tracked',
      execute: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await Promise.resolve();
        inFlight--;
        return 'ok';
      },
    });
    const calls = Array.from({ length: 20 }, (): [string, Record<string, unknown>] => [
      'tracked',
      {},
    ]);
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      await answer(calls, { tools: [tracked], toolConcurrency: Number.POSITIVE_INFINITY });
      // Node emits its warnings on a later tick.
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('warning', onWarning);
    }
    expect(maxInFlight).toBe(20);
    // 20 calls waiting on the run's signal at once printed "MaxListenersExceededWarning: Possible
    // EventTarget memory leak detected" on the user's stderr (one listener per call).
    expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('stops a call that never settles at DEFAULT_TOOL_TIMEOUT_MS by default', async () => {
    vi.useFakeTimers();
    let toolSignal: AbortSignal | undefined;
    const stuck = defineTool({
      name: 'stuck',
      execute: (_args, context) => {
        toolSignal = context.signal;
        return new Promise(() => {});
      },
    });
    const done = answer([['stuck', {}, 'c1']], { tools: [stuck] });
    await vi.advanceTimersByTimeAsync(DEFAULT_TOOL_TIMEOUT_MS - 1);
    expect(toolSignal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const { responses } = await done;
    expect(DEFAULT_TOOL_TIMEOUT_MS).toBe(120_000);
    expect(responses).toEqual([
      {
        id: 'c1',
        name: 'stuck',
        response: {
          error:
            'stuck did not finish within 120000 ms and was stopped. Try again with a smaller request, or do without it.',
        },
      },
    ]);
    expect(toolSignal?.aborted).toBe(true);
  });

  it('gives a tool that reads its signal only after its limit an aborted signal with the reason', async () => {
    let readLate: (() => AbortSignal) | undefined;
    const slow = defineTool({
      name: 'slow',
      execute: (_args, context) => {
        readLate = () => context.signal;
        return new Promise(() => {});
      },
    });
    const { responses } = await answer([['slow', {}]], { tools: [slow], toolTimeoutMs: 10 });
    expect(responses[0]?.response['error']).toMatch(/within 10 ms/);
    const signal = readLate?.();
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error | undefined)?.message).toMatch(
      /tool:slow timed out after 10 ms/,
    );
  });

  it('lets a call run past the default with toolTimeoutMs: Infinity', async () => {
    vi.useFakeTimers();
    const late = defineTool({
      name: 'late',
      execute: () =>
        new Promise((resolve) => setTimeout(() => resolve('late'), DEFAULT_TOOL_TIMEOUT_MS * 2)),
    });
    const done = answer([['late', {}, 'c1']], {
      tools: [late],
      toolTimeoutMs: Number.POSITIVE_INFINITY,
    });
    await vi.advanceTimersByTimeAsync(DEFAULT_TOOL_TIMEOUT_MS * 2);
    const { responses } = await done;
    expect(responses[0]?.response).toEqual({ output: 'late' });
  });

  it('keeps two calls to the same tool distinct', async () => {
    const { responses } = await answer(
      [
        ['add', { a: 1, b: 2 }, 'id1'],
        ['add', { a: 10, b: 20 }, 'id2'],
      ],
      { tools: [add] },
    );
    expect(responses).toEqual([
      { id: 'id1', name: 'add', response: { output: 3 } },
      { id: 'id2', name: 'add', response: { output: 30 } },
    ]);
  });

  it('gives the tool its call id, step, history and signal', async () => {
    let seen: ToolExecuteContext | undefined;
    let historyAtCall: unknown[] = [];
    const probe = defineTool({
      name: 'probe',
      execute: (_args, context) => {
        seen = context;
        historyAtCall = context.contents.map((content) => content.role);
        return 'ok';
      },
    });
    await answer([['probe', {}, 'srv1']], { tools: [probe] });
    expect(seen?.toolCallId).toBe('srv1');
    expect(seen?.step).toBe(1);
    // Up to and including the model turn that made the call.
    expect(historyAtCall).toEqual(['user', 'model']);
    expect(seen?.signal.aborted).toBe(false);
  });

  it('hands a timed call a plain context whose signal is an own, enumerable getter', async () => {
    const seen: ToolExecuteContext[] = [];
    const probe = defineTool({
      name: 'probe',
      execute: (_args, context) => {
        seen.push(context);
        return 'ok';
      },
    });
    await answer(
      [
        ['probe', {}, 'a'],
        ['probe', {}, 'b'],
      ],
      { tools: [probe] },
    );
    const [first, second] = seen;
    if (first === undefined || second === undefined) throw new Error('probe was not called twice');
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(Object.keys(first)).toEqual([
      'toolCallId',
      'step',
      'callIndex',
      'logger',
      'contents',
      'signal',
    ]);
    const property = Object.getOwnPropertyDescriptor(first, 'signal');
    expect(property).toMatchObject({ enumerable: true, configurable: true });
    expect(typeof property?.get).toBe('function');
    // Each call its own signal, made once and kept; a spread context carries it.
    expect(first.signal).toBe(first.signal);
    expect(first.signal).not.toBe(second.signal);
    expect({ ...second }.signal).toBe(second.signal);
    expect(second.callIndex).toBe(1);
  });

  it('gives a tool that reads its signal only after the run aborted an aborted signal', async () => {
    const controller = new AbortController();
    let readLate: (() => AbortSignal) | undefined;
    const slow = defineTool({
      name: 'slow',
      execute: (_args, context) => {
        readLate = () => context.signal;
        controller.abort(new Error('user stop'));
        return new Promise(() => {});
      },
    });
    const gemini = createScriptedGemini([callsTurn(['slow', {}]), textTurn('done')]);
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [slow] });
    await expect(agent.run('Go', { signal: controller.signal })).rejects.toThrow();
    const signal = readLate?.();
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error | undefined)?.message).toBe('user stop');
  });
});

describe('tool results', () => {
  const screenshot = defineTool({
    name: 'screenshot',
    execute: () =>
      toolResult({ output: 'captured', parts: [{ mimeType: 'image/png', data: 'aGVsbG8=' }] }),
  });

  it('sends media in functionResponse.parts on models that take them', async () => {
    const { responses } = await answer([['screenshot', {}, 's1']], { tools: [screenshot] });
    expect(responses).toEqual([
      {
        id: 's1',
        name: 'screenshot',
        response: { output: 'captured' },
        parts: [{ inlineData: { mimeType: 'image/png', data: 'aGVsbG8=' } }],
      },
    ]);
  });

  it('sends media in a user content after the responses on models that do not', async () => {
    const gemini = createScriptedGemini([callsTurn(['screenshot', {}]), textTurn('A cat.')]);
    await createAgent({ gemini, model: 'gemini-2.5-flash', tools: [screenshot] }).run('Look');
    expect(gemini.contentsOf(1).slice(2)).toEqual([
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'screenshot', response: { output: 'captured' } } }],
      },
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'aGVsbG8=' } }] },
    ]);
  });

  it('reports a result that cannot be JSON as the tool’s failure', async () => {
    const leaky = defineTool({ name: 'leaky', execute: () => ({ handler: () => 1 }) });
    const gemini = createScriptedGemini([callsTurn(['leaky', {}]), textTurn('ok')]);
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash', tools: [leaky] }).run(
      'Go',
    );
    const call = result.steps[0]?.toolCalls[0];
    expect(call?.outcome).toBe('execution-error');
    expect(call?.response.response['error']).toMatch(/leaky failed: .*result\.handler is not JSON/);
  });
});

describe('beforeToolCall', () => {
  it('lets an approved call run with its parsed arguments', async () => {
    const hook = vi.fn(() => ({ type: 'approve' as const }));
    const { responses } = await answer([['add', { a: 1, b: 2 }, 'c1']], {
      tools: [add],
      beforeToolCall: hook,
    });
    expect(responses[0]?.response).toEqual({ output: 3 });
    expect(hook).toHaveBeenCalledWith(
      expect.objectContaining({
        toolName: 'add',
        toolCallId: 'c1',
        args: { a: 1, b: 2 },
        rawArgs: { a: 1, b: 2 },
        stepNumber: 1,
      }),
    );
  });

  it('answers a denied call with the hook’s message and does not run it', async () => {
    const execute = vi.fn(() => 'sent');
    const sendEmail = defineTool({
      name: 'send_email',
      parameters: z.object({ to: z.string() }),
      execute,
    });
    const { responses } = await answer([['send_email', { to: 'boss@example.com' }]], {
      tools: [sendEmail],
      beforeToolCall: () => ({ type: 'deny', message: 'The user declined to send this email.' }),
    });
    expect(execute).not.toHaveBeenCalled();
    expect(responses[0]?.response).toEqual({ error: 'The user declined to send this email.' });
  });

  it('runs a call with changed arguments, checked again, and keeps the model’s call as it was', async () => {
    const gemini = createScriptedGemini([callsTurn(['add', { a: 1, b: 2 }]), textTurn('ok')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [add],
      beforeToolCall: () => ({ type: 'modify', args: { a: 100, b: 2 } }),
    });
    const result = await agent.run('Go');
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({
      args: { a: 100, b: 2 },
      rawArgs: { a: 1, b: 2 },
      output: 102,
    });
    expect(gemini.contentsOf(1)[1]?.parts[0]?.functionCall?.args).toEqual({ a: 1, b: 2 });
  });

  it('reports changed arguments that fail the schema', async () => {
    const { responses } = await answer([['add', { a: 1, b: 2 }]], {
      tools: [add],
      beforeToolCall: () => ({ type: 'modify', args: { a: 'x' } }),
    });
    expect(responses[0]?.response['error']).toMatch(
      /Invalid arguments for add \(as changed by the approval step\)/,
    );
  });

  it('ends the run with a typed error when the hook throws, with every call answered', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['add', { a: 1, b: 2 }], ['add', { a: 3, b: 4 }]),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [add],
      beforeToolCall: ({ rawArgs }) => {
        if (rawArgs['a'] === 3) throw new Error('approval service down');
      },
    });
    const error = (await agent.run('Go').catch((caught: unknown) => caught)) as AgentRunError;
    expect(AgentRunError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/beforeToolCall threw for add .*approval service down/);
    expect(validateHistory(error.run.contents)).toEqual([]);
    expect(error.run.contents.at(-1)?.parts).toHaveLength(2);
  });
});

describe("toolErrors: 'throw'", () => {
  const cases: [string, Parameters<typeof callsTurn>, (error: unknown) => boolean, string][] = [
    [
      'invalid arguments',
      [['add', { a: 'x', b: 1 }, 'c1']],
      ToolInputError.isInstance,
      'tool-input',
    ],
    ['an unknown tool', [['nope', { q: 1 }, 'c1']], UnknownToolError.isInstance, 'unknown-tool'],
    ['a throwing tool', [['boom', {}, 'c1']], ToolExecutionError.isInstance, 'tool-execution'],
    ['a timeout', [['hang', {}, 'c1']], ToolTimeoutError.isInstance, 'tool-timeout'],
  ];
  const boom = defineTool({
    name: 'boom',
    execute: () => {
      throw new TypeError('kaput');
    },
  });
  const hang = defineTool({ name: 'hang', timeoutMs: 10, execute: () => new Promise(() => {}) });

  it.each(cases)(
    'throws a typed error for %s, carrying the call and the history',
    async (_label, calls, isInstance, code) => {
      const gemini = createScriptedGemini([callsTurn(...calls), textTurn('never')]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [add, boom, hang],
        toolErrors: 'throw',
      });
      const error = (await agent.run('Go').catch((caught: unknown) => caught)) as ToolInputError;
      expect(isInstance(error)).toBe(true);
      expect(error.code).toBe(code);
      expect(error.toolCallId).toBe('c1');
      expect(error.toolName).toBe(calls[0]?.[0]);
      expect(error.args).toEqual(calls[0]?.[1]);
      expect(gemini.calls).toHaveLength(1);
      // The call is answered (with the error) so the history can be continued.
      expect(validateHistory(error.run.contents)).toEqual([]);
      expect(error.run.steps).toHaveLength(1);
    },
  );

  it('carries the thrown value as cause and stops the other calls of the turn', async () => {
    let siblingSignal: AbortSignal | undefined;
    const sibling = defineTool({
      name: 'sibling',
      execute: (_args, context) => {
        siblingSignal = context.signal;
        return new Promise(() => {});
      },
    });
    const gemini = createScriptedGemini([callsTurn(['sibling', {}], ['boom', {}])]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [boom, sibling],
      toolErrors: 'throw',
    });
    const error = (await agent.run('Go').catch((caught: unknown) => caught)) as ToolExecutionError;
    expect(ToolExecutionError.isInstance(error)).toBe(true);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(siblingSignal?.aborted).toBe(true);
    expect(error.run.contents.at(-1)?.parts.map((part) => part.functionResponse?.response)).toEqual(
      [
        { error: 'sibling was not completed: another call of this turn failed.' },
        { error: 'boom failed: TypeError: kaput' },
      ],
    );
  });

  it('never throws for a denied call', async () => {
    const { responses } = await answer([['add', { a: 1, b: 2 }]], {
      tools: [add],
      toolErrors: 'throw',
      beforeToolCall: () => ({ type: 'deny', message: 'no' }),
    });
    expect(responses[0]?.response).toEqual({ error: 'no' });
  });
});
