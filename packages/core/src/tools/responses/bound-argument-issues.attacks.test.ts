import { describe, expect, it } from 'vitest';
import { z as z4 } from 'zod';
import { z as z3 } from 'zod-v3';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../../agent/create-agent.ts';
import { defineTool } from '../define/define-tool.ts';

// attack68b: what the model is told when its arguments fail the tool's schema was every issue zod
// found, each with its whole message and path, twice (the `issues` list and the `error` text).
// Measured on the old code: 100,000 wrong items sent back 10.9 MB (zod 3) and 13.9 MB (zod 4) in
// the next request; a refinement quoting a 1 MB argument, or a 1 MB record key in the path, 2 MB;
// an enum of 5,000 values 98 KB. The model's arguments are the model's to fix: it needs the first
// problems, their places and how many there were, not an echo of what it sent.

const MODEL = 'gemini-2.5-flash';
const ZODS = [
  ['zod 3', z3],
  ['zod 4', z4],
] as const;
const MODES = ['run', 'stream'] as const;

/** The bound the whole answer to one bad call stays under (issues and error text together). */
const BOUND = 20_000;

type Zod = typeof z4;
type Case = {
  name: string;
  parameters: (z: Zod) => unknown;
  args: Record<string, unknown>;
  /** What the model must still be told: the first issue's place and words. */
  told: RegExp;
};

const CASES: Case[] = [
  {
    name: '100,000 wrong items',
    parameters: (z) => z.object({ a: z.array(z.number()) }),
    args: { a: Array.from({ length: 100_000 }, () => 's') },
    told: /a\[0\]: .*number/,
  },
  {
    name: 'a refinement quoting a 1 MB argument',
    parameters: (z) =>
      z.object({ a: z.string() }).superRefine((value, context) => {
        context.addIssue({ code: 'custom', message: `bad value ${value.a}` });
      }),
    args: { a: 'y'.repeat(1_000_000) },
    told: /bad value yyyy/,
  },
  {
    name: 'a 1 MB record key',
    parameters: (z) => z.object({ a: z.record(z.string(), z.number()) }),
    args: { a: { ['k'.repeat(1_000_000)]: 'text' } },
    told: /a\.kkkk.*number/,
  },
  {
    name: 'a value outside an enum of 5,000',
    parameters: (z) =>
      z.object({ a: z.enum(Array.from({ length: 5_000 }, (_, i) => `v${i}`) as [string]) }),
    args: { a: 'nope' },
    told: /^a: .*v0/,
  },
];

describe('the issues of bad arguments told to the model are bounded', () => {
  for (const [zodName, z] of ZODS) {
    for (const mode of MODES) {
      for (const { name, parameters, args, told } of CASES) {
        it(`${zodName}, ${mode}: ${name}`, async () => {
          let ran = false;
          const tool = defineTool({
            name: 'probe',
            description: 'A tool the model calls badly.',
            parameters: parameters(z as unknown as Zod) as never,
            execute: () => {
              ran = true;
              return 'ran';
            },
          });
          const gemini = createScriptedGemini([callsTurn(['probe', args]), textTurn('done')]);
          const agent = createAgent({ gemini, model: MODEL, tools: [tool] });
          let result: Awaited<ReturnType<typeof agent.run>>;
          if (mode === 'run') result = await agent.run('Go.');
          else {
            const stream = agent.stream('Go.');
            for await (const _event of stream);
            result = await stream.result;
          }
          expect(ran).toBe(false);
          expect(result.text).toBe('done');
          const part = gemini.contentsOf(1).at(-1)?.parts?.[0];
          const response = part?.functionResponse?.response as {
            error: string;
            issues: { path: string; message: string }[];
          };
          expect(JSON.stringify(response).length).toBeLessThan(BOUND);
          expect(response.error).toMatch(/^Invalid arguments for probe: /);
          expect(`${response.issues[0]?.path}: ${response.issues[0]?.message}`).toMatch(told);
          const record = result.steps[0]?.toolCalls[0];
          expect(record?.outcome).toBe('invalid-args');
          expect(record?.error).toBe(response.error);
        });
      }
    }
  }

  it('says how many issues were left out', async () => {
    const tool = defineTool({
      name: 'probe',
      parameters: z4.object({ a: z4.array(z4.number()) }),
      execute: () => 'ran',
    });
    const gemini = createScriptedGemini([
      callsTurn(['probe', { a: Array.from({ length: 1_000 }, () => 's') }]),
      textTurn('done'),
    ]);
    await createAgent({ gemini, model: MODEL, tools: [tool] }).run('Go.');
    const response = gemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse?.response as {
      error: string;
      issues: { path: string; message: string }[];
    };
    expect(response.issues.length).toBeLessThan(1_000);
    expect(response.issues.at(-1)?.message).toMatch(/^\d[\d,]* more issues? not shown/);
    expect(response.error).toMatch(/\d[\d,]* more issues? not shown/);
  });
});
