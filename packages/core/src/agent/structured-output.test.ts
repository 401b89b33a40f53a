import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { defineTool } from '../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { createAgent } from './create-agent.ts';
import { OutputValidationError } from './errors/output-validation-error.ts';

const City = z.object({ city: z.string(), country: z.string(), population: z.number().optional() });
const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: () => 'Mexico City, Mexico',
});

describe('structured output', () => {
  it('parses and validates the JSON answer into output (schema on every request)', async () => {
    const gemini = createScriptedGemini([textTurn('{"city":"Mexico City","country":"Mexico"}')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', output: City });
    const result = await agent.run('Largest city in Mexico?');
    expect(result.output).toEqual({ city: 'Mexico City', country: 'Mexico' });
    expect(gemini.calls[0]?.request.generationConfig).toMatchObject({
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', required: ['city', 'country'] },
    });
  });

  it('combines the schema with tools on Gemini 3 and parses the final answer', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { q: 'largest city in Mexico' }, 'id1', 'c2ln']),
      textTurn('{"city":"Mexico City","country":"Mexico"}'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup],
      output: City,
    });
    const result = await agent.run('Largest city in Mexico?');
    expect(result.output?.city).toBe('Mexico City');
    expect(gemini.calls.map((call) => call.request.generationConfig?.responseMimeType)).toEqual([
      'application/json',
      'application/json',
    ]);
    expect(gemini.calls.every((call) => call.request.tools !== undefined)).toBe(true);
  });

  it('asks for the JSON in a last call without tools on models that cannot combine them', async () => {
    const gemini = createScriptedGemini([
      callsTurn(['lookup', { q: 'largest city in Mexico' }]),
      textTurn('The largest city is Mexico City, in Mexico.'),
      textTurn('{"city":"Mexico City","country":"Mexico"}'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [lookup],
      output: City,
      maxSteps: 2,
    });
    const result = await agent.run('Largest city in Mexico?');

    expect(result.output).toEqual({ city: 'Mexico City', country: 'Mexico' });
    expect(result.steps.map((step) => step.kind)).toEqual(['tools', 'tools', 'final-output']);
    const [first, second, final] = gemini.calls.map((call) => call.request);
    expect(first?.generationConfig).toBeUndefined();
    expect(second?.tools).toBeDefined();
    expect(final?.tools).toBeUndefined();
    expect(final?.toolConfig).toBeUndefined();
    expect(final?.generationConfig).toMatchObject({ responseMimeType: 'application/json' });
    expect(final?.contents.at(-1)).toEqual({
      role: 'user',
      parts: [
        {
          text: 'Now give your final answer as JSON that matches the response schema, based on everything above.',
        },
      ],
    });
    expect(result.text).toBe('{"city":"Mexico City","country":"Mexico"}');
  });

  it('skips the last call when the tool loop’s answer already matches the schema', async () => {
    const gemini = createScriptedGemini([
      textTurn('```json\n{"city":"Oslo","country":"Norway"}\n```'),
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookup], output: City });
    const result = await agent.run('Capital of Norway?');
    expect(result.output).toEqual({ city: 'Oslo', country: 'Norway' });
    expect(gemini.calls).toHaveLength(1);
  });

  it('re-asks an answer that fails the schema, naming the issues, then accepts a good one', async () => {
    const gemini = createScriptedGemini([
      textTurn('{"city":"Oslo"}'),
      textTurn('{"city":"Oslo","country":"Norway"}'),
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', output: City });
    const result = await agent.run('Capital of Norway?');
    expect(result.output).toEqual({ city: 'Oslo', country: 'Norway' });
    expect(result.steps[0]?.reask?.reason).toBe('invalid-output');
    const note = gemini.contentsOf(1).at(-1)?.parts[0]?.text;
    expect(note).toMatch(
      /^Your answer does not match the required JSON schema: at country: .+\. Answer again with only the JSON/,
    );
    // The bad answer stays in the history, followed by the note.
    expect(result.contents.map((content) => content.role)).toEqual([
      'user',
      'model',
      'user',
      'model',
    ]);
  });

  it('throws a typed error with the raw text and issues after the re-asks', async () => {
    const gemini = createScriptedGemini([textTurn('not json'), textTurn('{"city":1}')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', output: City, maxReasks: 1 });
    const error = (await agent
      .run('Go')
      .catch((caught: unknown) => caught)) as OutputValidationError;
    expect(OutputValidationError.isInstance(error)).toBe(true);
    expect(error.text).toBe('{"city":1}');
    expect(error.issues.map((issue) => issue.path)).toEqual([['city'], ['country']]);
    expect(error.run.contents).toHaveLength(4);
  });

  it('reports invalid JSON as an issue of the whole answer', async () => {
    const gemini = createScriptedGemini([textTurn('{"city":')]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', output: City, maxReasks: 0 });
    const error = (await agent
      .run('Go')
      .catch((caught: unknown) => caught)) as OutputValidationError;
    expect(error.issues).toEqual([
      { path: [], message: expect.stringMatching(/^The answer is not valid JSON/) },
    ]);
  });

  it('applies the schema’s transforms and defaults (zod 3 too)', async () => {
    const gemini = createScriptedGemini([textTurn('{"tags":["a","b"]}')]);
    const schema = z3.object({
      tags: z3.array(z3.string()).transform((tags) => tags.join(',')),
      count: z3.number().default(0),
    });
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash', output: schema }).run(
      'Go',
    );
    expect(result.output).toEqual({ tags: 'a,b', count: 0 });
  });

  it('leaves output undefined when the run ends without an answer', async () => {
    const gemini = createScriptedGemini([callsTurn(['lookup', { q: 'x' }])]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup],
      output: City,
      maxSteps: 1,
    });
    const result = await agent.run('Go');
    expect(result.finishReason).toBe('max-steps');
    expect(result.output).toBeUndefined();
  });
});
