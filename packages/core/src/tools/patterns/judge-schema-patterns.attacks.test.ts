import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../../agent/create-agent.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../define/define-tool.ts';
import { jsonSchema } from '../schema/json-schema.ts';
import { COMMON, ZOD3_FORMATS, zod4FormatPatterns } from './__fixtures__/pattern-corpus.ts';
import { findPatternProblem } from './judge-schema-patterns.ts';
import { isTooLargeToJudge, UnsafePatternError } from './unsafe-pattern-error.ts';

// attack60d: the analysis of a pattern costs more than linear in the pattern's size: `(a+)+`
// written 1,000 times (5,000 characters) ran past half a minute, `(?:x0|...|x999)+` 7 s, a
// 100,000-character one for minutes, all on the process's only thread, at the agent's first run.
// A JSON Schema read from a file or another service brought such a pattern. One past 1,000
// characters or 100 quantifiers that the quick check cannot clear is now refused unjudged
// ('undecided'), at once.

const hostile: [name: string, pattern: string][] = [
  ['(a+)+ a thousand times', '(a+)+'.repeat(1_000)],
  [
    'a group of a thousand alternatives, repeated',
    `(?:${Array.from({ length: 1_000 }, (_, index) => `x${index}`).join('|')})+`,
  ],
  ['100,000 characters with a quantifier at the end', `${'a'.repeat(100_000)}+b+`],
  ['101 quantifiers in 202 characters', 'a+'.repeat(101)],
];

describe('a pattern too large to analyse', () => {
  for (const [name, pattern] of hostile) {
    it(`is refused unjudged: ${name}`, () => {
      expect(isTooLargeToJudge(pattern)).toBe(true);
      expect(findPatternProblem(pattern)).toEqual({
        part: 'the whole pattern',
        complexity: 'undecided',
      });
    });
  }

  it('still judges every pattern of the corpus, zod 3 ipv6 (661 characters) among them', () => {
    for (const [, pattern] of [...zod4FormatPatterns(), ...ZOD3_FORMATS, ...COMMON]) {
      expect(isTooLargeToJudge(pattern as string)).toBe(false);
    }
  });

  it('refuses it before the first request, naming the tool and the fix', async () => {
    await using fake = createFakeGemini({ script: [turn.text('never')] });
    const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
    const [[, pattern]] = hostile as [[string, string]];
    const tool = defineTool({
      name: 'lookup',
      description: 'Looks up.',
      parameters: jsonSchema({
        type: 'object',
        properties: { code: { type: 'string', pattern } },
      }),
      execute: () => ({}),
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] });
    const error = await agent.run('Go.').catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(UnsafePatternError);
    expect(error).toMatchObject({ toolName: 'lookup', complexity: 'undecided' });
    expect((error as Error).message).toMatch(/too large to analyse \(5000 characters;/);
    expect((error as Error).message).toMatch(/allowUnsafePatterns: true/);
    expect(fake.modelRequests).toHaveLength(0);
  });
});
