import { describe, expect, it } from 'vitest';
import { z as z4 } from 'zod';
import * as z4mini from 'zod/mini';
import { z as z3 } from 'zod-v3';
import { z as z325v4 } from 'zod-v3/v4';
import { defineTool } from '../tools/define/define-tool.ts';
import type { AnyTool } from '../tools/tool.ts';
import type { FunctionDeclaration } from '../wire/request.ts';
import { callsTurn, createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { createAgent } from './create-agent.ts';

// attack46a: a monorepo's packages on different zods meet in one agent: a library's tools on
// zod 3, the app's on zod 4, a package on zod 3.25's `zod/v4` subpath, `zod/mini`. Each tool is
// declared, described and checked by its own schema, and the output schema may be any of them.

// Gemini 3 takes the output schema beside tools in every request.
const MODEL = 'gemini-3-flash-preview';

/** One tool per zod flavour, each with a described field and a bounded one. */
function tools(): AnyTool[] {
  const made = [
    ['zod4', z4],
    ['zod3', z3],
    ['zod325_v4', z325v4],
  ] as const;
  const full = made.map(([name, z]) =>
    defineTool({
      name,
      description: `A ${name} tool.`,
      parameters: (z as typeof z4).object({
        city: (z as typeof z4).string().describe(`the city (${name})`),
        n: (z as typeof z4).number().int().min(1),
      }),
      execute: ({ city, n }) => ({ city, n }),
    }),
  );
  const mini = defineTool({
    name: 'zod4_mini',
    description: 'A zod/mini tool.',
    parameters: z4mini.object({ city: z4mini.string(), n: z4mini.int().check(z4mini.minimum(1)) }),
    execute: ({ city, n }) => ({ city, n }),
  });
  return [...full, mini];
}

const NAMES = ['zod4', 'zod3', 'zod325_v4', 'zod4_mini'];

describe('tools of zod 3, zod 4, zod 3.25 `zod/v4` and `zod/mini` in one agent', () => {
  it.each([
    ['zod 4', z4],
    ['zod 3', z3],
    ['zod 3.25 zod/v4', z325v4],
  ] as const)('declares, checks and runs each; the output schema in %s', async (_, z) => {
    const gemini = createScriptedGemini([
      callsTurn(
        ...NAMES.map((name) => [name, { city: 'Oslo', n: 2 }] as [string, Record<string, unknown>]),
        ...NAMES.map((name) => [name, { city: 'Oslo', n: 0 }] as [string, Record<string, unknown>]),
      ),
      textTurn('{"answer":"done","count":4}'),
    ]);
    const output = (z as typeof z4).object({
      answer: (z as typeof z4).string().describe('the answer'),
      count: (z as typeof z4).number(),
    });
    const agent = createAgent({ gemini, model: MODEL, tools: tools(), output });
    const result = await agent.run('go');
    expect(result.output).toEqual({ answer: 'done', count: 4 });

    const [tool] = gemini.calls[0]?.request.tools ?? [];
    const declared = (tool as { functionDeclarations: FunctionDeclaration[] }).functionDeclarations;
    expect(declared.map((declaration) => declaration.name)).toEqual(NAMES);
    for (const { name, parametersJsonSchema } of declared) {
      expect(parametersJsonSchema).toMatchObject({
        type: 'object',
        properties: { n: { type: 'integer', minimum: 1 } },
        required: ['city', 'n'],
      });
      // zod/mini has no .describe(); the others' descriptions survive each zod's converter.
      if (name !== 'zod4_mini')
        expect(parametersJsonSchema).toMatchObject({
          properties: { city: { type: 'string', description: `the city (${name})` } },
        });
    }
    expect(gemini.calls[1]?.request.generationConfig?.responseJsonSchema).toMatchObject({
      properties: { answer: { type: 'string', description: 'the answer' } },
    });

    const calls = result.steps[0]?.toolCalls ?? [];
    expect(calls.map((call) => [call.toolName, call.outcome])).toEqual([
      ...NAMES.map((name) => [name, 'success']),
      ...NAMES.map((name) => [name, 'invalid-args']),
    ]);
    for (const call of calls.slice(NAMES.length)) expect(call.error).toMatch(/\bn\b/);
  });
});
