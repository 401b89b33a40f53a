import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { RUN_MODES, rejectionOf, runBothWays } from './__fixtures__/run-both-ways.ts';
import { createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { createAgent } from './create-agent.ts';
import { OutputValidationError } from './errors/output-validation-error.ts';
import { prepareOutput } from './structured-output.ts';

// The structured answer is bytes from the model: read leniently where a model slips (a fence
// around the JSON), refused with the issues where it is not the schema, and never able to
// reach the app's prototypes. A schema that cannot be JSON fails at createAgent, not in a run.

const Answer = z.object({ answer: z.string(), confidence: z.number().min(0).max(1) });

describe('parsing a structured answer', () => {
  const output = prepareOutput(Answer);
  const good = { answer: 'Lisbon', confidence: 0.9 };
  const json = JSON.stringify(good);

  it.each([
    ['bare JSON', json],
    ['a json fence', `\`\`\`json\n${json}\n\`\`\``],
    ['a fence without a tag', `\`\`\`\n${json}\n\`\`\``],
    ['a fence whose tag is in capitals', `\`\`\`JSON\n${json}\n\`\`\``],
    ['a fence on one line', `\`\`\`json ${json}\`\`\``],
    ['a fence with Windows line ends and spaces around', `  \`\`\`json\r\n${json}\r\n\`\`\`  `],
    ['a byte order mark before it', `\uFEFF${json}`],
    ['a JSON string holding backticks', JSON.stringify({ ...good, answer: 'use ```code```' })],
  ])('reads %s', async (_, text) => {
    const parsed = await output.parse(text);
    expect(parsed.success).toBe(true);
    if (parsed.success) expect(parsed.value.confidence).toBe(0.9);
  });

  it.each([
    ['an empty answer', ''],
    ['prose after the JSON', `${json}\n\nHope this helps!`],
    ['two JSON values', `${json}${json}`],
    ['a fence that is not closed', `\`\`\`json\n${json}`],
    ['single quotes', "{'answer': 'Lisbon', 'confidence': 0.9}"],
  ])('refuses %s as not JSON, an issue of the whole answer', async (_, text) => {
    const parsed = await output.parse(text);
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(parsed.issues).toHaveLength(1);
      expect(parsed.issues[0]?.path).toEqual([]);
      expect(parsed.issues[0]?.message).toContain('not valid JSON');
    }
  });

  it('names each field that fails the schema by its path', async () => {
    const parsed = await output.parse('{"answer": 42, "confidence": 7}');
    expect(parsed.success).toBe(false);
    if (!parsed.success)
      expect(parsed.issues.map((issue) => issue.path)).toEqual([['answer'], ['confidence']]);
  });

  it('keeps a __proto__ key of the answer from reaching any prototype', async () => {
    const parsed = await output.parse(
      '{"answer":"x","confidence":0.5,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    expect(parsed.success).toBe(true);
    if (parsed.success) {
      expect(parsed.value).toEqual({ answer: 'x', confidence: 0.5 });
      expect((parsed.value as { polluted?: unknown }).polluted).toBeUndefined();
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('refuses deeply nested garbage with an issue, not a stack overflow', async () => {
    const parsed = await output.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(parsed.success).toBe(false);
  });

  it('reads emoji and lone escapes as JSON says', async () => {
    const parsed = await output.parse('{"answer":"Lisboa 🇵🇹 \\u00e9","confidence":1}');
    expect(parsed.success).toBe(true);
    if (parsed.success) expect(parsed.value.answer).toBe('Lisboa 🇵🇹 é');
  });
});

describe('converting an output schema', () => {
  it.each([
    ['a Date field', z.object({ at: z.date() }), 'Date'],
    ['a bigint field', z.object({ n: z.bigint() }), 'BigInt'],
    ['a Map', z.map(z.string(), z.string()), 'Map'],
  ])('refuses %s at createAgent, naming output and why', (_, schema, what) => {
    let thrown: unknown;
    try {
      createAgent({
        gemini: createScriptedGemini([]),
        model: 'gemini-2.5-flash',
        output: schema as never,
      });
    } catch (error) {
      thrown = error;
    }
    expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidArgumentError).argument).toBe('output');
    expect((thrown as Error).message).toContain(what);
    expect((thrown as Error).message).toContain('every field must be a JSON type');
  });

  it.each([
    ['null', null],
    ['an object with a parse method', { parse: () => ({}) }],
    ['a JSON Schema object', { type: 'object', properties: {} }],
  ])('refuses %s, saying which schemas it takes', (_, value) => {
    expect(() => prepareOutput(value as never)).toThrow(/zod schema .* or a Standard Schema/);
  });

  it('sends a root that is not an object without forcing a type on it', () => {
    expect(prepareOutput(z.union([z.string(), z.number()])).jsonSchema).toEqual({
      type: ['string', 'number'],
    });
    expect(prepareOutput(z.string()).jsonSchema).toEqual({ type: 'string' });
  });
});

describe.each(RUN_MODES)('a structured answer in a run (%s)', (mode) => {
  it('takes a fenced answer in capitals as the output, the history keeping the text as sent', async () => {
    const text = '```JSON\n{"answer":"Lisbon","confidence":0.8}\n```';
    const gemini = createScriptedGemini([textTurn(text)]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', output: Answer });
    const { result } = await runBothWays(mode, agent, 'Capital of Portugal?');
    expect(result.output).toEqual({ answer: 'Lisbon', confidence: 0.8 });
    expect(result.contents.at(-1)?.parts[0]?.text).toBe(text);
    expect(gemini.calls).toHaveLength(1);
  });

  it('re-asks an answer that is not JSON, then fails typed with the raw text once re-asks run out', async () => {
    const gemini = createScriptedGemini([textTurn('Lisbon.'), textTurn('Still Lisbon.')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', output: Answer, maxReasks: 1 });
    const error = await rejectionOf(runBothWays(mode, agent, 'Capital?'));
    expect(OutputValidationError.isInstance(error)).toBe(true);
    expect(gemini.calls).toHaveLength(2);
    expect(String(JSON.stringify(gemini.contentsOf(1).at(-1)))).toContain('not valid JSON');
  });
});
