import { inspect } from 'node:util';
import { createFakeGemini, type FakeScript, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { validateHistory } from '../../history/validate-history.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Content, FunctionCall } from '../../wire/content.ts';
import type { GenerateContentBody } from '../../wire/request.ts';
import { type Agent, createAgent } from '../create-agent.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import { InvalidHistoryError } from '../errors/invalid-history-error.ts';
import { ToolExecutionError } from '../errors/tool-execution-error.ts';

// Attacks on the loop through the fake Gemini (in-process fetch, so every request goes through the
// real client and the fake's contract checks): hostile tool code, hostile hooks, odd model output.

const KEY = 'AIzaAgentAttack-0123456789';

function setUp(script: FakeScript, options: Partial<Parameters<typeof createAgent>[0]> = {}) {
  const fake = createFakeGemini({ script });
  const gemini = createGemini({ apiKey: KEY, fetch: fake.fetch, retry: false });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', ...options }) as Agent;
  const bodies = () => fake.modelRequests.map((request) => request.body as GenerateContentBody);
  return { fake, agent, bodies };
}

/** The function responses of the last request the fake received. */
function lastResponses(bodies: GenerateContentBody[]): Record<string, unknown>[] {
  const contents = bodies[bodies.length - 1]?.contents as Content[];
  const last = contents[contents.length - 1] as Content;
  return last.parts.map((part) => part.functionResponse?.response as Record<string, unknown>);
}

function renderings(value: unknown): string {
  let json = '';
  try {
    json = JSON.stringify(value);
  } catch {
    // a tool output JSON cannot hold: the other renderings still count
  }
  return `${json}\n${inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true })}`;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

const noArgs = z.object({});
const callTool = () => [turn.call('tool', {}), turn.text('done')];

describe('the loop answers every call whatever the tool does', () => {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const hostileResults: [string, () => unknown][] = [
    [
      'an object whose toJSON throws',
      () => ({
        toJSON: () => {
          throw new Error('toJSON failed');
        },
      }),
    ],
    [
      'an object with a getter that throws',
      () => ({
        get value() {
          throw new Error('getter failed');
        },
      }),
    ],
    [
      'a proxy that refuses to list its keys',
      () =>
        new Proxy(
          {},
          {
            ownKeys: () => {
              throw new Error('no keys');
            },
          },
        ),
    ],
    ['a revoked proxy', () => revoked.proxy],
  ];
  for (const [name, execute] of hostileResults) {
    it(`answers a call whose tool returns ${name} with an error, and goes on`, async () => {
      const tool = defineTool({ name: 'tool', parameters: noArgs, execute });
      const { agent, bodies } = setUp(callTool(), { tools: [tool] });
      const result = await agent.run('Go.');
      expect(result.text).toBe('done');
      expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('execution-error');
      // (A revoked proxy fails already when the result is awaited: its `then` cannot be read.)
      expect(String(lastResponses(bodies())[0]?.['error'])).toMatch(
        /^tool failed: .*(cannot be sent to Gemini|revoked)/,
      );
      expect(validateHistory(result.contents)).toEqual([]);
    });
  }

  const hostileThrows: [string, () => unknown][] = [
    ['an object without a prototype', () => Object.create(null)],
    [
      'an Error whose message getter throws',
      () =>
        Object.defineProperty(new Error('x'), 'message', {
          get: () => {
            throw new Error('no');
          },
        }),
    ],
    ['a revoked proxy', () => revoked.proxy],
    ['a plain object', () => ({ code: 'E_QUOTA', detail: 'quota spent' })],
  ];
  for (const [name, make] of hostileThrows) {
    it(`answers a call whose tool throws ${name}, and goes on`, async () => {
      const tool = defineTool({
        name: 'tool',
        parameters: noArgs,
        execute: () => {
          throw make();
        },
      });
      const { agent, bodies } = setUp(callTool(), { tools: [tool] });
      const result = await agent.run('Go.');
      expect(result.text).toBe('done');
      expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('execution-error');
      expect(String(lastResponses(bodies())[0]?.['error'])).toMatch(/^tool failed: ./);
    });
  }

  it('says what a thrown plain object holds instead of [object Object]', async () => {
    const tool = defineTool({
      name: 'tool',
      parameters: noArgs,
      execute: () => {
        throw { code: 'E_QUOTA', detail: 'quota spent' };
      },
    });
    const { agent, bodies } = setUp(callTool(), { tools: [tool] });
    await agent.run('Go.');
    expect(lastResponses(bodies())[0]?.['error']).toBe(
      'tool failed: {"code":"E_QUOTA","detail":"quota spent"}',
    );
  });

  for (const [where, options] of [
    ['a tool timeoutMs of Infinity', { tool: Number.POSITIVE_INFINITY }],
    ['an agent toolTimeoutMs above the timer limit (2^31-1 ms)', { agent: 3_000_000_000 }],
  ] as const) {
    it(`does not cut a tool at once with ${where}`, async () => {
      const tool = defineTool({
        name: 'tool',
        parameters: noArgs,
        timeoutMs: 'tool' in options ? options.tool : undefined,
        execute: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { finished: true };
        },
      });
      const { agent, bodies } = setUp(callTool(), {
        tools: [tool],
        toolTimeoutMs: 'agent' in options ? options.agent : undefined,
      });
      const result = await agent.run('Go.');
      expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('success');
      expect(lastResponses(bodies())[0]).toEqual({ finished: true });
    });
  }
});

describe('the loop keeps the API key out of what tools fail with', () => {
  const leaky = (cause: boolean) =>
    defineTool({
      name: 'tool',
      parameters: noArgs,
      execute: () => {
        if (cause)
          throw new Error('upstream failed', { cause: { url: `https://x.test/?key=${KEY}` } });
        throw new Error(
          `GET https://generativelanguage.googleapis.com/v1beta/models?key=${KEY} failed`,
        );
      },
    });

  it('redacts the key from the error the model is sent, the result and the history', async () => {
    const { agent, bodies } = setUp(callTool(), { tools: [leaky(false)] });
    const result = await agent.run('Go.');
    expect(JSON.stringify(bodies())).not.toContain(KEY);
    // The safe default of guardrails.onToolError sends no URL at all (issue 32).
    expect(lastResponses(bodies())[0]?.['error']).toBe('tool failed: GET <url> failed');
    expect(renderings(result)).not.toContain(KEY);
  });

  it('redacts the key from a tool error cause kept on the result', async () => {
    const { agent } = setUp(callTool(), { tools: [leaky(true)] });
    const result = await agent.run('Go.');
    expect(renderings(result)).not.toContain(KEY);
    expect(inspect(result.steps[0]?.toolCalls[0]?.cause, { depth: 5 })).toContain('key=[redacted]');
  });

  for (const cause of [false, true]) {
    it(`redacts the key from the ToolExecutionError of toolErrors: 'throw' (key in the ${cause ? 'cause' : 'message'})`, async () => {
      const { agent } = setUp(callTool(), { tools: [leaky(cause)], toolErrors: 'throw' });
      const error = await failure(agent.run('Go.'));
      expect(ToolExecutionError.isInstance(error)).toBe(true);
      expect(renderings(error)).not.toContain(KEY);
      expect((error as Error).message).not.toContain(KEY);
    });
  }

  it('redacts the key from a beforeToolCall failure', async () => {
    const tool = defineTool({ name: 'tool', parameters: noArgs, execute: () => ({}) });
    const { agent } = setUp(callTool(), {
      tools: [tool],
      beforeToolCall: () => {
        throw new Error(`approval service rejected key ${KEY}`);
      },
    });
    const error = await failure(agent.run('Go.'));
    expect(AgentRunError.isInstance(error)).toBe(true);
    expect(renderings(error)).not.toContain(KEY);
  });
});

describe('the loop under hostile hooks', () => {
  const tool = defineTool({ name: 'tool', parameters: noArgs, execute: () => ({ ran: true }) });

  for (const [name, decision] of [
    ['a string', 'no'],
    ['a number', 5],
    ['an unknown type', { type: 'reject' }],
    ['modify without args', { type: 'modify' }],
  ] as const) {
    it(`fails the run naming the allowed decisions when beforeToolCall returns ${name}, with the call answered`, async () => {
      let ran = false;
      const watched = defineTool({
        name: 'tool',
        parameters: noArgs,
        execute: () => {
          ran = true;
          return {};
        },
      });
      const { agent } = setUp(callTool(), {
        tools: [watched],
        beforeToolCall: (() => decision) as never,
      });
      const error = await failure(agent.run('Go.'));
      expect(AgentRunError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/beforeToolCall returned .*approve.*deny.*modify/);
      expect(ran).toBe(false);
      expect(validateHistory((error as AgentRunError).run.contents)).toEqual([]);
    });
  }

  it('answers a deny without a message with a sentence, not "undefined"', async () => {
    const { agent, bodies } = setUp(callTool(), {
      tools: [tool],
      beforeToolCall: () => ({ type: 'deny' }) as never,
    });
    await agent.run('Go.');
    const error = String(lastResponses(bodies())[0]?.['error']);
    expect(error).not.toContain('undefined');
    expect(error).toMatch(/denied/);
  });

  it('keeps the history when onStepEnd throws an object without a prototype', async () => {
    const { agent } = setUp(callTool(), {
      tools: [tool],
      onStepEnd: () => {
        throw Object.create(null);
      },
    });
    const error = await failure(agent.run('Go.'));
    expect(AgentRunError.isInstance(error)).toBe(true);
    expect((error as AgentRunError).run.contents).toHaveLength(3);
  });
});

describe('the loop under odd model output', () => {
  it('re-asks a function call without a name instead of answering it nameless', async () => {
    const tool = defineTool({ name: 'tool', parameters: noArgs, execute: () => ({}) });
    const { agent, bodies } = setUp(
      [
        {
          // What a gateway or a cut stream may send: the wire type says a call has a name.
          raw: {
            candidates: [
              {
                content: { role: 'model', parts: [{ functionCall: { args: {} } as FunctionCall }] },
                finishReason: 'STOP',
              },
            ],
          },
        },
        turn.text('done'),
      ],
      { tools: [tool] },
    );
    const result = await agent.run('Go.');
    expect(result.text).toBe('done');
    expect(result.steps[0]?.reask?.reason).toBe('malformed-function-call');
    expect(JSON.stringify(bodies()[1])).not.toContain('functionResponse');
  });
});

describe('createAgent and run reject bad input before any request', () => {
  it('names tools when it is null', () => {
    const { fake } = setUp([]);
    const gemini = createGemini({ apiKey: KEY, fetch: fake.fetch });
    expect(() => createAgent({ gemini, model: 'gemini-2.5-flash', tools: null as never })).toThrow(
      expect.objectContaining({ argument: 'tools' }),
    );
  });

  for (const [field, value] of [
    ['temperature', Number.NaN],
    ['maxOutputTokens', Number.POSITIVE_INFINITY],
  ] as const) {
    it(`names generationConfig.${field} = ${value}`, () => {
      const { fake } = setUp([]);
      const gemini = createGemini({ apiKey: KEY, fetch: fake.fetch });
      const make = () =>
        createAgent({ gemini, model: 'gemini-2.5-flash', generationConfig: { [field]: value } });
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(expect.objectContaining({ argument: `generationConfig.${field}` }));
    });
  }

  // Unknown run options and options that are not an object (`run('x', null)` is a TypeError) are
  // checked in create-agent.ts, outside this lane: see the breaker's report.
  it('fails run() and stream() with an InvalidArgumentError for a signal that is not an AbortSignal', async () => {
    const { agent, fake } = setUp([turn.text('done')]);
    const error = await failure(agent.run('Go.', { signal: 'stop' } as never));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('options.signal');
    const streamed = await failure(agent.stream('Go.', { signal: 'stop' } as never).result);
    expect(InvalidArgumentError.isInstance(streamed)).toBe(true);
    expect(fake.modelRequests).toHaveLength(0);
  });

  it('names a text part that is not a string', async () => {
    const { agent, fake } = setUp([turn.text('done')]);
    const error = await failure(agent.run([{ text: 5 }] as never));
    expect(InvalidHistoryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('contents[0].parts[0].text');
    expect(fake.modelRequests).toHaveLength(0);
  });
});

describe('the loop keeps its history when user code around it throws', () => {
  const tool = defineTool({ name: 'tool', parameters: noArgs, execute: () => ({ ran: true }) });

  it('fails with an AgentRunError holding the history when a stopWhen condition throws', async () => {
    const { agent } = setUp(callTool(), {
      tools: [tool],
      stopWhen: () => {
        throw new Error('condition bug');
      },
    });
    const error = await failure(agent.run('Go.'));
    expect(AgentRunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /stopWhen condition threw after step 1: condition bug/,
    );
    expect((error as AgentRunError).run.contents).toHaveLength(3);
    expect(validateHistory((error as AgentRunError).run.contents)).toEqual([]);
  });

  it('fails with an AgentRunError holding the answer when the output schema throws', async () => {
    const { agent, fake } = setUp([turn.json({ n: 1 })], {
      output: z.object({ n: z.number() }).transform(() => {
        throw new Error('transform bug');
      }),
    });
    const error = await failure(agent.run('Go.'));
    expect(AgentRunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/output schema threw .*transform bug/);
    expect((error as AgentRunError).run.contents).toHaveLength(2);
    expect(fake.modelRequests).toHaveLength(1);
  });

  for (const [name, result] of [
    ['a string', 'yes'],
    ['success: false with issues that are not a list', { success: false, issues: 'bad' }],
    ['nothing', undefined],
  ] as const) {
    it(`answers a call whose custom tool's parseArgs returns ${name}`, async () => {
      const custom = {
        kind: 'function',
        name: 'tool',
        description: undefined,
        declaration: { name: 'tool' },
        parseArgs: () => result,
        execute: () => ({}),
      } as never;
      const { agent, bodies } = setUp(callTool(), { tools: [custom] });
      const run = await agent.run('Go.');
      expect(run.text).toBe('done');
      expect(String(lastResponses(bodies())[0]?.['error'])).toMatch(/parseArgs returned/);
    });
  }
});
