import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  modelTurn,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import { DEFAULT_MAX_CHILD_BACKLOG } from '../agent/agent-stream.ts';
import { agentTurnsOf } from '../agent/agent-turns.ts';
import type { BeforeToolCallContext } from '../agent/config/agent-options.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import { TreeBudgetError } from '../agent/errors/tree-budget-error.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import type { Gemini } from '../http/gemini.ts';
import type { PriceLookup } from '../models/model-prices.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { subagent } from './subagent.ts';

const MODEL = 'gemini-2.5-flash';

function describeEvent(event: AgentEvent<unknown>): string {
  const at = event.path.length === 0 ? 'top' : event.path.join('/');
  switch (event.type) {
    case 'step-start':
      return `${at} step-start ${event.stepNumber}`;
    case 'text-delta':
      return `${at} text ${event.text}`;
    case 'tool-call':
      return `${at} tool-call ${event.toolName}`;
    case 'tool-result':
      return `${at} tool-result ${event.toolCall.toolName} ${JSON.stringify(event.toolCall.output)}`;
    case 'tool-error':
      return `${at} tool-error ${event.outcome}`;
    case 'step-end':
      return `${at} step-end ${event.step.stepNumber}`;
    case 'run-end':
      return `${at} run-end`;
    default:
      return `${at} ${event.type}`;
  }
}

/** A research agent whose child answers with a signed text turn. */
function team(childTurns: Parameters<typeof createScriptedGemini>[0]) {
  const childGemini = createScriptedGemini(childTurns);
  const child = createAgent({ gemini: childGemini, model: MODEL, instructions: 'Search.' });
  const parentGemini = createScriptedGemini([
    callsTurn(['search', { task: 'Find the capital of France.' }, 'c1']),
    textTurn('Paris.'),
  ]);
  const parent = createAgent({
    gemini: parentGemini,
    model: MODEL,
    tools: [subagent(child, { name: 'search', description: 'Searches the web.' })],
  });
  return { child, parent, childGemini, parentGemini };
}

describe('subagent', () => {
  it('streams the child events into the parent stream, tagged and in order, and a unary run gives the same history', async () => {
    const childTurns = () => [
      modelTurn([{ text: 'The capital ' }, { text: 'is Paris.', thoughtSignature: 'Y2hpbGQ=' }]),
    ];
    const streamed = team(childTurns());
    const stream = streamed.parent.stream('Capital of France?');
    const events: string[] = [];
    for await (const event of stream) events.push(describeEvent(event));
    const result = await stream.result;

    expect(events).toEqual([
      'top step-start 1',
      'top tool-call search',
      'search#1 step-start 1',
      'search#1 text The capital ',
      'search#1 text is Paris.',
      'search#1 step-end 1',
      'search#1 run-end',
      'top tool-result search {"answer":"The capital is Paris."}',
      'top step-end 1',
      'top step-start 2',
      'top text Paris.',
      'top step-end 2',
      'top run-end',
    ]);
    expect(streamed.childGemini.calls.every((call) => call.streaming)).toBe(true);
    // The child's history (and its thought signature) never reaches the parent's contents.
    expect(JSON.stringify(result.contents)).not.toContain('Y2hpbGQ=');
    expect(streamed.childGemini.contentsOf(0)).toEqual([
      { role: 'user', parts: [{ text: 'Find the capital of France.' }] },
    ]);

    const unary = team(childTurns());
    const unaryResult = await unary.parent.run('Capital of France?');
    expect(unaryResult.contents).toEqual(result.contents);
    expect(unary.childGemini.calls.every((call) => !call.streaming)).toBe(true);
  });

  // Issue 53 (letters45): the README's row named S V. A chat session's sendStream is a stream too:
  // the child's events come through it with their path, and the stored turn is the parent's only.
  it("streams the child's events into a chat session's sendStream, tagged, and stores the parent's turn only", async () => {
    const streamed = team([
      modelTurn([{ text: 'The capital ' }, { text: 'is Paris.', thoughtSignature: 'Y2hpbGQ=' }]),
    ]);
    const session = createChatSession({ agent: streamed.parent });
    const stream = session.sendStream('Capital of France?');
    const events: string[] = [];
    for await (const event of stream) events.push(describeEvent(event));
    const result = await stream.result;
    expect(events.filter((event) => event.startsWith('search#1 '))).toEqual([
      'search#1 step-start 1',
      'search#1 text The capital ',
      'search#1 text is Paris.',
      'search#1 step-end 1',
      'search#1 run-end',
    ]);
    expect(events.indexOf('top tool-call search')).toBeLessThan(
      events.indexOf('search#1 step-start 1'),
    );
    expect(result.text).toBe('Paris.');
    const stored = await session.history();
    expect(stored).toEqual(result.newContents);
    expect(JSON.stringify(stored)).not.toContain('Y2hpbGQ=');
    await session.close();
  });

  it('rolls usage up into the call, the run total and usageByAgent, two levels deep', async () => {
    const leafGemini = createScriptedGemini([
      {
        ...textTurn('leaf'),
        usageMetadata: {
          promptTokenCount: 1,
          candidatesTokenCount: 2,
          thoughtsTokenCount: 3,
          totalTokenCount: 6,
        },
      },
    ]);
    const leaf = createAgent({ gemini: leafGemini, model: MODEL });
    const midGemini = createScriptedGemini([
      {
        ...callsTurn(['leaf', { task: 'go' }, 'l1']),
        usageMetadata: { promptTokenCount: 10, totalTokenCount: 10 },
      },
      {
        ...textTurn('mid'),
        usageMetadata: { promptTokenCount: 20, cachedContentTokenCount: 4, totalTokenCount: 20 },
      },
    ]);
    const mid = createAgent({
      gemini: midGemini,
      model: MODEL,
      tools: [subagent(leaf, { name: 'leaf', description: 'Leaf.' })],
    });
    const topGemini = createScriptedGemini([
      {
        ...callsTurn(['mid', { task: 'go' }, 'm1']),
        usageMetadata: { promptTokenCount: 100, totalTokenCount: 100 },
      },
      {
        ...textTurn('top'),
        // The API's total holds the tool-use prompt (every recorded response in test/fixtures).
        usageMetadata: { promptTokenCount: 200, toolUsePromptTokenCount: 7, totalTokenCount: 207 },
      },
    ]);
    const top = createAgent({
      gemini: topGemini,
      model: MODEL,
      tools: [subagent(mid, { name: 'mid', description: 'Mid.' })],
    });
    const result = await top.run('go');
    expect(result.usage).toEqual({
      promptTokenCount: 331,
      candidatesTokenCount: 2,
      thoughtsTokenCount: 3,
      toolUsePromptTokenCount: 7,
      cachedContentTokenCount: 4,
      totalTokenCount: 343,
    });
    expect(result.steps[0]?.toolCalls[0]?.usage?.totalTokenCount).toBe(36);
    expect(result.usageByAgent).toEqual([
      {
        path: [],
        usage: {
          promptTokenCount: 300,
          candidatesTokenCount: 0,
          thoughtsTokenCount: 0,
          toolUsePromptTokenCount: 7,
          cachedContentTokenCount: 0,
          totalTokenCount: 307,
        },
      },
      {
        path: ['mid#1'],
        usage: {
          promptTokenCount: 30,
          candidatesTokenCount: 0,
          thoughtsTokenCount: 0,
          toolUsePromptTokenCount: 0,
          cachedContentTokenCount: 4,
          totalTokenCount: 30,
        },
      },
      {
        path: ['mid#1', 'leaf#1'],
        usage: {
          promptTokenCount: 1,
          candidatesTokenCount: 2,
          thoughtsTokenCount: 3,
          toolUsePromptTokenCount: 0,
          cachedContentTokenCount: 0,
          totalTokenCount: 6,
        },
      },
    ]);
  });

  it.each([1, 2])('aborts the run at depth %i when the top signal aborts', async (depth) => {
    const hangingGemini = createScriptedGemini([{ hang: true }]);
    let started: () => void = () => {};
    const startedHanging = new Promise<void>((resolve) => {
      started = resolve;
    });
    const watched: Gemini = {
      ...hangingGemini,
      generateContent: (request, options) => {
        started();
        return hangingGemini.generateContent(request, options);
      },
    };
    let agent = createAgent({ gemini: watched, model: MODEL });
    for (let level = depth; level > 0; level--) {
      agent = createAgent({
        gemini: createScriptedGemini([callsTurn([`level${level}`, { task: 'go' }, `c${level}`])]),
        model: MODEL,
        tools: [subagent(agent, { name: `level${level}`, description: 'Deeper.' })],
      });
    }
    const controller = new AbortController();
    const running = agent.run('go', { signal: controller.signal });
    await startedHanging;
    controller.abort(new Error('user left'));
    await expect(running).rejects.toBeInstanceOf(AgentAbortedError);
    expect(hangingGemini.calls[0]?.signal?.aborted).toBe(true);
  });

  it('sends a child call without its own approval hook to the top run hook, with its path, and resumes the child with the answer', async () => {
    const secret = defineTool({
      name: 'delete_file',
      parameters: z.object({ file: z.string() }),
      execute: ({ file }) => ({ deleted: file }),
    });
    const childGemini = createScriptedGemini([
      callsTurn(['delete_file', { file: 'a.txt' }, 'd1'], ['delete_file', { file: 'b.txt' }, 'd2']),
      textTurn('Deleted a.txt; b.txt was refused.'),
    ]);
    const child = createAgent({ gemini: childGemini, model: MODEL, tools: [secret] });
    const asked: BeforeToolCallContext[] = [];
    const pending = new Map<string, (approve: boolean) => void>();
    let announce: () => void = () => {};
    const bothPending = new Promise<void>((resolve) => {
      announce = resolve;
    });
    const parent = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['cleaner', { task: 'Delete a.txt and b.txt' }, 'c1']),
        textTurn('Done.'),
      ]),
      model: MODEL,
      tools: [subagent(child, { name: 'cleaner', description: 'Deletes files.' })],
      beforeToolCall: (context) => {
        asked.push(context);
        // The parent's own call to the subagent is approved at once; the child's wait.
        if (context.path.length === 0) return undefined;
        return new Promise((resolve) => {
          pending.set(String((context.args as { file: string }).file), (approve) =>
            resolve(approve ? { type: 'approve' } : { type: 'deny', message: 'Not that one.' }),
          );
          if (pending.size === 2) announce();
        });
      },
    });
    const stream = parent.stream('Clean up');
    const events: AgentEvent<unknown>[] = [];
    const reading = (async () => {
      for await (const event of stream) events.push(event);
    })();
    await bothPending;
    expect(asked.map((context) => [context.path, context.toolName])).toEqual([
      [[], 'cleaner'],
      [['cleaner#1'], 'delete_file'],
      [['cleaner#1'], 'delete_file'],
    ]);
    pending.get('a.txt')?.(true);
    pending.get('b.txt')?.(false);
    await reading;
    const result = await stream.result;
    expect(result.text).toBe('Done.');
    const childResponses = childGemini.contentsOf(1).at(-1)?.parts;
    expect(childResponses).toEqual([
      { functionResponse: { id: 'd1', name: 'delete_file', response: { deleted: 'a.txt' } } },
      { functionResponse: { id: 'd2', name: 'delete_file', response: { error: 'Not that one.' } } },
    ]);
    expect(
      events
        .filter((event) => event.type === 'tool-error')
        .map((event) => [event.path, event.type === 'tool-error' && event.outcome]),
    ).toEqual([[['cleaner#1'], 'denied']]);
  });

  it("tells the parent model of a child's failure by default, and ends the top run with a SubagentError under onError: 'throw'", async () => {
    const failing = () =>
      createAgent({
        gemini: createScriptedGemini([{ error: new Error('backend down') }]),
        model: MODEL,
      });
    const toldGemini = createScriptedGemini([
      callsTurn(['search', { task: 'x' }, 'c1']),
      textTurn('The search failed.'),
    ]);
    const told = createAgent({
      gemini: toldGemini,
      model: MODEL,
      tools: [subagent(failing(), { name: 'search', description: 'Searches.' })],
    });
    await told.run('go');
    // Told as a throwing tool's failure is (leftovers51): `{ error: <words> }`; the call's place
    // (`search#1`) is on its event and span, not in the words.
    const response = toldGemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse?.response as {
      error: string;
    };
    expect(response.error).toMatch(/^The subagent search failed: .*backend down/);

    const thrower = createAgent({
      gemini: createScriptedGemini([callsTurn(['search', { task: 'x' }, 'c1'])]),
      model: MODEL,
      tools: [subagent(failing(), { name: 'search', description: 'Searches.', onError: 'throw' })],
    });
    const outer = createAgent({
      gemini: createScriptedGemini([callsTurn(['lead', { task: 'x' }, 'l1'])]),
      model: MODEL,
      tools: [subagent(thrower, { name: 'lead', description: 'Leads.' })],
    });
    const error = await outer.run('go').catch((thrown: unknown) => thrown);
    // 'lead' tells its model by default, but the child below it threw: the error climbs as it is.
    expect(SubagentError.isInstance(error)).toBe(true);
    expect((error as SubagentError).path).toEqual(['lead#1', 'search#1']);
    expect((error as SubagentError).childRun?.steps).toHaveLength(0);
  });

  it('holds a subagent whose events the top reader does not take: its model stream stops being read at the bound', async () => {
    const total = DEFAULT_MAX_CHILD_BACKLOG * 8;
    let pulled = 0;
    const chunk = (text: string): GenerateContentResponse => ({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }],
    });
    const base = createScriptedGemini([]);
    const childGemini: Gemini = {
      ...base,
      streamGenerateContent: () => ({
        async *[Symbol.asyncIterator]() {
          for (let index = 0; index < total; index++) {
            pulled++;
            yield chunk(`${index} `);
          }
          pulled++;
          yield {
            candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'STOP', index: 0 }],
            usageMetadata: { totalTokenCount: 1 },
          };
        },
      }),
    };
    const child = createAgent({ gemini: childGemini, model: MODEL });
    const parent = createAgent({
      gemini: createScriptedGemini([callsTurn(['talk', { task: 'go' }, 'c1']), textTurn('ok')]),
      model: MODEL,
      tools: [subagent(child, { name: 'talk', description: 'Talks a lot.' })],
    });
    const stream = parent.stream('go');
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    // Give the producer every chance to run ahead: macrotask turns, no reads.
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(pulled).toBeGreaterThan(0);
    expect(pulled).toBeLessThanOrEqual(DEFAULT_MAX_CHILD_BACKLOG + 2);
    // Reading on drains the child to its end.
    let texts = 0;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      if (next.value.type === 'text-delta' && next.value.path.length > 0) texts++;
    }
    expect(texts).toBe(total);
    expect((await stream.result).text).toBe('ok');
  });

  it('stops the tree when the top run budget of model steps is spent inside a child, whatever the child onError says', async () => {
    const echo = defineTool({
      name: 'echo',
      parameters: z.object({ text: z.string() }),
      execute: ({ text }) => text,
    });
    const childGemini = createScriptedGemini([
      callsTurn(['echo', { text: 'a' }, 'e1']),
      callsTurn(['echo', { text: 'b' }, 'e2']),
      textTurn('done'),
    ]);
    const child = createAgent({ gemini: childGemini, model: MODEL, tools: [echo] });
    const parent = createAgent({
      gemini: createScriptedGemini([callsTurn(['worker', { task: 'go' }, 'w1']), textTurn('ok')]),
      model: MODEL,
      tools: [subagent(child, { name: 'worker', description: 'Works.' })],
    });
    const error = await parent
      .run('go', { budget: { maxSteps: 2 } })
      .catch((thrown: unknown) => thrown);
    expect(TreeBudgetError.isInstance(error)).toBe(true);
    expect((error as TreeBudgetError).path).toEqual(['worker#1']);
    expect((error as TreeBudgetError).limit).toBe('steps');
    // The parent's step (under way while its child runs: its unit held) and the child's first:
    // two model calls in the tree, the budget (leftovers79a: the child made two before, three in
    // all).
    expect((error as TreeBudgetError).used).toBe(2);
    expect(childGemini.calls).toHaveLength(1);
    // Without a budget the same tree runs to its end.
    await expect(
      createAgent({
        gemini: createScriptedGemini([callsTurn(['worker', { task: 'go' }, 'w1']), textTurn('ok')]),
        model: MODEL,
        tools: [
          subagent(
            createAgent({
              gemini: createScriptedGemini([
                callsTurn(['echo', { text: 'a' }, 'e1']),
                callsTurn(['echo', { text: 'b' }, 'e2']),
                textTurn('done'),
              ]),
              model: MODEL,
              tools: [echo],
            }),
            { name: 'worker', description: 'Works.' },
          ),
        ],
      }).run('go'),
    ).resolves.toMatchObject({ text: 'ok' });
  });

  describe('a cost budget over the tree (budget.maxCostUsd)', () => {
    // $0.1 an input token, $0.2 an output token: each scripted call (10 in, 5 out) costs $2.
    const prices = (): PriceLookup => () => ({
      input: '100000',
      output: '200000',
      source: 'test',
      checked: '2026-11-23',
    });
    const echo = defineTool({
      name: 'echo',
      parameters: z.object({ text: z.string() }),
      execute: ({ text }) => text,
    });
    const tree = (childPrices: PriceLookup | undefined) => {
      const childGemini = createScriptedGemini([
        callsTurn(['echo', { text: 'a' }, 'e1']),
        callsTurn(['echo', { text: 'b' }, 'e2']),
        textTurn('done'),
      ]);
      const child = createAgent({
        gemini: childGemini,
        model: MODEL,
        tools: [echo],
        ...(childPrices === undefined ? {} : { prices: childPrices }),
      });
      const parentGemini = createScriptedGemini([
        callsTurn(['worker', { task: 'go' }, 'w1']),
        textTurn('ok'),
      ]);
      const parent = createAgent({
        gemini: parentGemini,
        model: MODEL,
        prices: prices(),
        tools: [subagent(child, { name: 'worker', description: 'Works.' })],
      });
      return { parent, childGemini, parentGemini };
    };

    for (const mode of ['run', 'stream'] as const) {
      it(`counts the children's cost into the top run's total and stops the tree past it (${mode})`, async () => {
        const { parent, childGemini } = tree(prices());
        const options = { budget: { maxCostUsd: '5' } };
        const error = await (mode === 'run'
          ? parent.run('go', options)
          : parent.stream('go', options).result
        ).catch((thrown: unknown) => thrown);
        expect(TreeBudgetError.isInstance(error)).toBe(true);
        const budgetError = error as TreeBudgetError;
        // Parent $2 + the child's two calls $4 = $6 > $5: the child's third call is refused.
        expect(budgetError.limit).toBe('cost');
        expect(budgetError.path).toEqual(['worker#1']);
        expect(budgetError.used).toBe('6');
        expect(budgetError.max).toBe('5');
        expect(budgetError.cost.total).toBe('6');
        expect(budgetError.message).toContain('options.budget.maxCostUsd');
        expect(childGemini.calls).toHaveLength(2);
        // The same tree under a budget it fits in ($2 + $6 + $2 = $10) runs to its end.
        await expect(
          tree(prices()).parent.run('go', { budget: { maxCostUsd: 10 } }),
        ).resolves.toMatchObject({ text: 'ok' });
      });
    }

    it('stops before the next model call once a call had no price: an unknown cost cannot be proven under the budget', async () => {
      // The child's model has no price of the test's (and a lookup returning null is unknown).
      const { parent, childGemini } = tree(() => null);
      const error = await parent
        .run('go', { budget: { maxCostUsd: 1000 } })
        .catch((thrown: unknown) => thrown);
      expect(TreeBudgetError.isInstance(error)).toBe(true);
      expect((error as TreeBudgetError).limit).toBe('cost');
      expect((error as TreeBudgetError).used).toBeNull();
      expect((error as TreeBudgetError).cost.total).toBeNull();
      expect((error as TreeBudgetError).message).toContain('unknown');
      expect(childGemini.calls).toHaveLength(1);
    });

    it('refuses a maxCostUsd that is not dollars, naming the option', async () => {
      const agent = createAgent({ gemini: createScriptedGemini([]), model: MODEL });
      await expect(agent.run('go', { budget: { maxCostUsd: -1 } })).rejects.toThrow(
        /options\.budget\.maxCostUsd/,
      );
      await expect(agent.run('go', { budget: { maxCostUsd: 'a lot' } })).rejects.toThrow(
        /options\.budget\.maxCostUsd/,
      );
    });
  });

  it('refuses a budget that is not a positive integer, naming the option', async () => {
    const agent = createAgent({ gemini: createScriptedGemini([]), model: MODEL });
    await expect(agent.run('go', { budget: { maxSteps: 0 } })).rejects.toThrow(
      /options\.budget\.maxSteps/,
    );
    await expect(
      agent.run('go', { budget: { maxStep: 3 } as unknown as { maxSteps: number } }),
    ).rejects.toThrow(/maxSteps/);
  });

  it("ends the run with an error the runner's child starter throws and its services say ends it: no tool result, no model call after it", async () => {
    // What a durable runner's starter throws when it stops the parent while its child waits for
    // a person (DBOS's cancellation): the run's `isRunEndingError` and the runner's `endsRun` pick it.
    class StoppedError extends Error {}
    const stopped = new StoppedError('the parent was stopped to wait for its child');
    const isStopped = (error: unknown): boolean => error instanceof StoppedError;
    const run = async (endsRun: ((error: unknown) => boolean) | undefined) => {
      const gemini = createScriptedGemini([
        callsTurn(['research', { task: 'x' }, 'c1']),
        textTurn('asked again'),
      ]);
      const child = createAgent({
        gemini: createScriptedGemini([textTurn('child')]),
        model: MODEL,
      });
      const agent = createAgent({
        gemini,
        model: MODEL,
        tools: [subagent(child, { name: 'research', description: 'Researches.' })],
        isRunEndingError: isStopped,
      });
      const stream = agentTurnsOf(agent).stream(
        'Go',
        undefined,
        undefined,
        async () => {
          throw stopped;
        },
        // A runner's services come with its recorder of hooks (start-run.ts).
        (_name, call) => call(),
        undefined,
        endsRun === undefined ? {} : { endsRun },
      );
      const events: AgentEvent<unknown>[] = [];
      const outcome = await (async () => {
        for await (const event of stream) events.push(event);
        return (await stream.result).text;
      })().catch((error: unknown) => error);
      return { outcome, requests: gemini.calls.length, events };
    };
    const ended = await run(isStopped);
    expect(ended.outcome).toBe(stopped);
    // One model call: the stop is not answered as the subagent's failure and asked about again.
    expect(ended.requests).toBe(1);
    // The call is reported ended with the run (as any call a run-ending error stops), never
    // answered: no result, no execution error the model would be told of.
    const outcomes = (events: AgentEvent<unknown>[]) =>
      events.flatMap((event) =>
        event.type === 'tool-result' || event.type === 'tool-error'
          ? [`${event.type}:${event.type === 'tool-error' ? event.toolCall.outcome : ''}`]
          : [],
      );
    expect(outcomes(ended.events)).toEqual(['tool-error:aborted']);
    // Without the runner's word the same throw is the subagent's failure the model is told of:
    // a failed call, as a throwing tool's (before leftovers51, a `tool-result`).
    const told = await run(undefined);
    expect(told.outcome).toBe('asked again');
    expect(told.requests).toBe(2);
    expect(outcomes(told.events)).toEqual(['tool-error:execution-error']);
  });
});
