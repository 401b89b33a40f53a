import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import type { Gemini } from '../http/gemini.ts';
import type { AgentResult } from '../run/agent-result.ts';
import { googleSearch } from '../tools/builtin/built-in-tools.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { AgentEvent } from './agent-event.ts';
import { type Agent, createAgent } from './create-agent.ts';

declare const gemini: Gemini;

describe('createAgent types', () => {
  it('infers result.output from a zod 4 output schema', async () => {
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      output: z.object({
        city: z.string(),
        population: z.number().optional(),
        tags: z.array(z.string()).default([]),
      }),
    });
    expectTypeOf(agent).toEqualTypeOf<
      Agent<{ city: string; population?: number | undefined; tags: string[] }>
    >();
    const result = await agent.run('Largest city?');
    expectTypeOf(result.output).toEqualTypeOf<
      { city: string; population?: number | undefined; tags: string[] } | undefined
    >();
  });

  it('infers the parsed (output) type, transforms included, from a zod 3 schema', async () => {
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      output: z3.object({ when: z3.string().transform((value) => new Date(value)) }),
    });
    const { output } = await agent.run('When?');
    expectTypeOf(output).toEqualTypeOf<{ when: Date } | undefined>();
  });

  it('has no output without a schema', async () => {
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash' }).run('Hi');
    expectTypeOf(result.output).toEqualTypeOf<undefined>();
    expectTypeOf(result).toEqualTypeOf<AgentResult<undefined>>();
  });

  it('types the stream’s events and result with the output', async () => {
    const stream = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      output: z.object({ ok: z.boolean() }),
    }).stream('Go');
    expectTypeOf(stream.result).resolves.toEqualTypeOf<AgentResult<{ ok: boolean }>>();
    for await (const event of stream) {
      expectTypeOf(event).toEqualTypeOf<AgentEvent<{ ok: boolean }>>();
      if (event.type === 'run-end')
        expectTypeOf(event.result.output).toEqualTypeOf<{ ok: boolean } | undefined>();
      if (event.type === 'text-delta') expectTypeOf(event.text).toBeString();
    }
  });

  it('keeps tool argument inference when tools are defined inline in the agent options', () => {
    createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [
        googleSearch(),
        defineTool({
          name: 'get_weather',
          parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c') }),
          execute: (args, context) => {
            expectTypeOf(args).toEqualTypeOf<{ city: string; unit: 'c' | 'f' }>();
            expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
            return { temperature: 21 };
          },
        }),
        defineTool({
          name: 'add',
          parameters: z3.object({ a: z3.number(), b: z3.number() }),
          execute: ({ a, b }) => {
            expectTypeOf(a).toBeNumber();
            return a + b;
          },
        }),
      ],
      beforeToolCall: ({ toolName, rawArgs }) => {
        expectTypeOf(toolName).toBeString();
        expectTypeOf(rawArgs).toEqualTypeOf<Record<string, unknown>>();
        return toolName === 'add' ? { type: 'deny', message: 'no' } : undefined;
      },
    });
  });

  it('rejects options that are not options and hooks of the wrong shape', () => {
    // @ts-expect-error: not an option
    createAgent({ gemini, model: 'gemini-2.5-flash', maxStep: 3 });
    // @ts-expect-error: a decision needs a type
    createAgent({ gemini, model: 'gemini-2.5-flash', beforeToolCall: () => ({ message: 'no' }) });
    const autoWithNames = { mode: 'AUTO', allowedFunctionNames: ['x'] } as const;
    // @ts-expect-error: allowed names go with ANY or VALIDATED only
    createAgent({ gemini, model: 'gemini-2.5-flash', toolChoice: autoWithNames });
  });

  it('closes with close() or await using, and takes the model of a history', async () => {
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
    expectTypeOf(agent.close).returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf(agent[Symbol.asyncDispose]).returns.toEqualTypeOf<Promise<void>>();
    await agent.run('Hi', { history: [{ contents: [], model: 'gemini-3-pro-preview' }] });
    await agent.run([{ contents: [], model: 'gemini-3-pro-preview' }, { contents: [] }]);
    // @ts-expect-error: a turn's model is a model name
    await agent.run('Hi', { history: [{ contents: [], model: 3 }] });
    // @ts-expect-error: historyModel was replaced by the turns' model
    await agent.run('Hi', { history: [], historyModel: 'gemini-3-pro-preview' });
  });
});
