import { createFakeGemini, type FakeGemini, type FakeScript, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { z as z3 } from 'zod-v3';
import { createAgent } from '../../agent/create-agent.ts';
import { createChatSession } from '../../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../../chat/create-memory-history-store.ts';
import { subagent } from '../../composition/subagent.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../../http/create-gemini.ts';
import type { GenerateContentBody } from '../../wire/request.ts';
import { defineTool } from '../define/define-tool.ts';
import { preloadToolSchemas } from '../define/preload-tool-schemas.ts';
import type { ToolParameters } from '../define/resolve-tool-parameters.ts';
import { allowUnsafePatterns } from '../index.ts';
import { jsonSchema } from '../schema/json-schema.ts';
import { UnsafePatternError } from './unsafe-pattern-error.ts';

// The opt-out from the pattern check, said on the schema itself: an `output` (which has no
// option of its own) and a tool's `parameters` alike. The mark is a non-enumerable property the
// lazy check reads; the declaration and the request body must not change.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(script: FakeScript) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => undefined,
    (error: unknown) => error,
  );
}

// Exponential on "a a a … !" (the check refuses it unmarked: unsafe-patterns.agent.test.ts).
const wordsSchema = () => z.object({ words: z.string().regex(/^(\w+\s?)*$/) });
const ANSWER = JSON.stringify({ words: 'three short words' });

describe('allowUnsafePatterns(schema) on an output', () => {
  it('lets the run answer, unary and streamed, the pattern checking the answer', async () => {
    for (const streaming of [false, true]) {
      const { fake, gemini } = await serve([
        turn.text(JSON.stringify({ words: 'not-words!' })),
        turn.text(ANSWER),
      ]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        output: allowUnsafePatterns(wordsSchema()),
      });
      const result = streaming
        ? await (async () => {
            const stream = agent.stream('Some words.');
            for await (const _ of stream);
            return stream.result;
          })()
        : await agent.run('Some words.');
      // The first answer fails the pattern (it ran), the retry passes it.
      expect(result.output).toEqual({ words: 'three short words' });
      expect(fake.modelRequests).toHaveLength(2);
    }
  });

  it('sends the same request as the unmarked schema (the mark is not in the declaration)', async () => {
    const bodies: unknown[] = [];
    for (const marked of [false, true]) {
      const { fake, gemini } = await serve([turn.text(ANSWER)]);
      const schema = marked ? allowUnsafePatterns(wordsSchema()) : wordsSchema();
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', output: schema });
      // Unmarked, the run is refused once the answer arrives: after the request, which is compared.
      const error = await failureOf(() => agent.run('Some words.'));
      expect(error === undefined).toBe(marked);
      if (!marked) expect(UnsafePatternError.isInstance((error as Error).cause)).toBe(true);
      bodies.push(fake.modelRequests[0]?.body);
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(JSON.stringify(bodies[1])).not.toContain('gemloop');
    expect(JSON.stringify(bodies[1])).toContain('^(\\\\w+\\\\s?)*$');
  });

  it('lets a chat session answer', async () => {
    const { gemini } = await serve([turn.text(ANSWER)]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      output: allowUnsafePatterns(wordsSchema()),
    });
    const chat = createChatSession({ agent, store: createMemoryHistoryStore(), id: 'user-1' });
    const result = await chat.send('Some words.');
    expect(result.output).toEqual({ words: 'three short words' });
  });

  it("lets a subagent with a marked output answer; the parent's model reads its output", async () => {
    const { fake, gemini } = await serve((request) => {
      const names = (request.body.tools ?? []).flatMap(
        (tool) => tool.functionDeclarations?.map((declaration) => declaration.name) ?? [],
      );
      if (!names.includes('words')) return turn.text(ANSWER);
      const answered = request.body.contents.some((content) =>
        content.parts.some((part) => part.functionResponse !== undefined),
      );
      return answered ? turn.text('Got them.') : turn.call('words', { task: 'Some words.' });
    });
    const child = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      output: allowUnsafePatterns(wordsSchema()),
    });
    const parent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [subagent(child, { name: 'words', description: 'Finds words.' })],
    });
    const result = await parent.run('Find words.');
    expect(result.text).toBe('Got them.');
    expect(fake.modelRequests).toHaveLength(3);
    const response = JSON.stringify(
      (fake.modelRequests[2]?.body as GenerateContentBody | undefined)?.contents.at(-1),
    );
    expect(response).toContain('three short words');
  });

  it('exempts a marked field of the output, and only that field', async () => {
    const { gemini } = await serve([turn.text(ANSWER)]);
    const marked = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      output: z.object({ words: allowUnsafePatterns(z.string().regex(/^(\w+\s?)*$/)) }),
    });
    expect((await marked.run('Some words.')).output).toEqual({ words: 'three short words' });
    const sibling = createAgent({
      gemini: (await serve([turn.text(ANSWER)])).gemini,
      model: 'gemini-2.5-flash',
      output: z.object({
        words: allowUnsafePatterns(z.string().regex(/^(\w+\s?)*$/)),
        code: z.string().regex(/^(a+)+$/),
      }),
    });
    const error = (await failureOf(() => sibling.run('Some words.'))) as Error;
    expect(error.cause).toMatchObject({
      name: 'UnsafePatternError',
      path: 'properties.code.pattern',
    });
  });
});

describe('allowUnsafePatterns(schema) on a sub-schema', () => {
  const evil = /^(a+)+$/;
  const checked = (parameters: ToolParameters) =>
    preloadToolSchemas([
      defineTool({ name: 'lookup', description: 'Looks up.', parameters, execute: () => ({}) }),
    ]);

  it('exempts a zod 4 field, array items, a union member and a wrapped field, each where it stands', async () => {
    const places = [
      z.object({ code: allowUnsafePatterns(z.string().regex(evil)) }),
      z.object({ codes: z.array(allowUnsafePatterns(z.string().regex(evil))) }),
      z.object({ code: z.union([z.number(), allowUnsafePatterns(z.string().regex(evil))]) }),
      z.object({ code: allowUnsafePatterns(z.string().regex(evil)).optional() }),
      z.object({ inner: allowUnsafePatterns(z.object({ code: z.string().regex(evil) })) }),
    ];
    for (const parameters of places) await expect(checked(parameters)).resolves.toBeUndefined();
    // The same places unmarked are refused.
    await expect(
      checked(z.object({ codes: z.array(z.string().regex(evil)) })),
    ).rejects.toMatchObject({ name: 'UnsafePatternError', path: 'properties.codes.items.pattern' });
  });

  it('does not exempt a pattern that also stands outside the mark, nor an unmarked sibling', async () => {
    await expect(
      checked(
        z.object({ a: allowUnsafePatterns(z.string().regex(evil)), b: z.string().regex(evil) }),
      ),
    ).rejects.toMatchObject({ name: 'UnsafePatternError' });
    await expect(
      checked(
        z.object({
          a: allowUnsafePatterns(z.string().regex(evil)),
          b: z.string().regex(/^(\w+\s?)*$/),
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnsafePatternError', path: 'properties.b.pattern' });
  });

  it('exempts a zod 3 field, its .emoji() included', async () => {
    const marked = z3.object({
      code: allowUnsafePatterns(z3.string().regex(evil)),
      mood: allowUnsafePatterns(z3.string().emoji()),
    });
    await expect(checked(marked)).resolves.toBeUndefined();
    await expect(checked(z3.object({ mood: z3.string().emoji() }))).rejects.toMatchObject({
      name: 'UnsafePatternError',
      path: 'properties.mood.pattern',
    });
    await expect(
      checked(
        z3.object({
          code: allowUnsafePatterns(z3.string().regex(evil)),
          other: z3.string().regex(evil),
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnsafePatternError' });
  });

  it('exempts a JSON Schema property, items and patternProperties given as plain objects', async () => {
    const marked = jsonSchema({
      type: 'object',
      properties: {
        code: allowUnsafePatterns({ type: 'string', pattern: '^(a+)+$' }),
        list: { type: 'array', items: allowUnsafePatterns({ type: 'string', pattern: '^(b+)+$' }) },
        map: allowUnsafePatterns({ type: 'object', patternProperties: { '^(c+)+$': {} } }),
      },
    });
    const tool = defineTool({
      name: 'lookup',
      description: 'Looks up.',
      parameters: marked,
      execute: () => ({}),
    });
    await preloadToolSchemas([tool]);
    expect(tool.parseArgs({ code: 'aaa', list: ['bb'] }).success).toBe(true);
    expect(tool.parseArgs({ code: 'aab' }).success).toBe(false);
    const unmarked = jsonSchema({
      type: 'object',
      properties: {
        code: allowUnsafePatterns({ type: 'string', pattern: '^(a+)+$' }),
        list: { type: 'array', items: { type: 'string', pattern: '^(b+)+$' } },
      },
    });
    await expect(checked(unmarked)).rejects.toMatchObject({
      name: 'UnsafePatternError',
      path: 'properties.list.items.pattern',
    });
    // A schema too large to walk whole (past 20,000 objects) exempts nothing: what the walk did
    // not reach could hold the same pattern unmarked.
    const huge = jsonSchema({
      type: 'object',
      properties: { code: allowUnsafePatterns({ type: 'string', pattern: '^(a+)+$' }) },
      examples: Array.from({ length: 25_000 }, () => ({})),
    });
    await expect(checked(huge)).rejects.toMatchObject({ name: 'UnsafePatternError' });
  });
});

describe('allowUnsafePatterns(schema) on a tool', () => {
  const trusted = {
    type: 'object',
    properties: { code: { type: 'string', pattern: '^(a+)+$' } },
    required: ['code'],
  } as const;

  it('runs a tool whose parameters are marked (JSON Schema and zod), with the same declaration as the option', async () => {
    const viaOption = defineTool({
      name: 'lookup',
      description: 'Looks a code up.',
      parameters: jsonSchema(structuredClone(trusted)),
      allowUnsafePatterns: true,
      execute: ({ code }) => ({ code }),
    });
    const viaMark = defineTool({
      name: 'lookup',
      description: 'Looks a code up.',
      parameters: allowUnsafePatterns(jsonSchema(structuredClone(trusted))),
      execute: ({ code }) => ({ code }),
    });
    const zodMarked = defineTool({
      name: 'lookup_words',
      description: 'Looks words up.',
      parameters: allowUnsafePatterns(wordsSchema()),
      execute: ({ words }) => ({ words }),
    });
    expect(viaMark.declaration).toEqual(viaOption.declaration);
    expect(JSON.stringify(viaMark.declaration)).not.toContain('gemloop');
    await preloadToolSchemas([viaMark, zodMarked]);
    expect(viaMark.parseArgs({ code: 'aaa' }).success).toBe(true);
    expect(viaMark.parseArgs({ code: 'aab' }).success).toBe(false);
    expect(zodMarked.parseArgs({ words: 'two words' }).success).toBe(true);

    const bodies: unknown[] = [];
    for (const tool of [viaOption, viaMark]) {
      const { fake, gemini } = await serve([
        turn.call('lookup', { code: 'aaa' }),
        turn.text('Found.'),
      ]);
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] });
      expect((await agent.run('Look it up.')).text).toBe('Found.');
      bodies.push(fake.modelRequests.map((request) => request.body));
    }
    expect(bodies[1]).toEqual(bodies[0]);
  });

  it('is refused, unmarked, before the first request (the mark is what lets it through)', async () => {
    const { fake, gemini } = await serve([turn.text('Found.')]);
    const tool = defineTool({
      name: 'lookup',
      description: 'Looks a code up.',
      parameters: jsonSchema(structuredClone(trusted)),
      execute: ({ code }) => ({ code }),
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] });
    const error = await failureOf(() => agent.run('Look it up.'));
    expect(UnsafePatternError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('parameters: allowUnsafePatterns(schema)');
    expect(fake.modelRequests).toHaveLength(0);
  });

  it('refuses what cannot carry the mark, saying why', () => {
    for (const bad of [Object.freeze(wordsSchema()), null, 'schema']) {
      expect(() => allowUnsafePatterns(bad as object)).toThrow(InvalidArgumentError);
    }
    // Marking twice is marking once; the schema comes back as it was given.
    const schema = wordsSchema();
    expect(allowUnsafePatterns(allowUnsafePatterns(schema))).toBe(schema);
    expect(Object.keys(schema)).toEqual(Object.keys(wordsSchema()));
  });
});
