import { createFakeGemini, type FakeGemini, type FakeScript, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../../agent/create-agent.ts';
import { createChatSession } from '../../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../../chat/create-memory-history-store.ts';
import { subagent } from '../../composition/subagent.ts';
import { createGemini } from '../../http/create-gemini.ts';
import type { GenerateContentBody } from '../../wire/request.ts';
import { defineTool } from '../define/define-tool.ts';
import { preloadToolSchemas } from '../define/preload-tool-schemas.ts';
import { jsonSchema } from '../schema/json-schema.ts';
import { UnsafePatternError } from './unsafe-pattern-error.ts';

// A model's arguments (and answer) meet a user's own regex in the validator, on the process's
// only thread: `^(a+)+$` against "aaaa…a!" doubles its time with each character (26 take ~1 s,
// 40 take hours), and a prompt injection can steer the model to send exactly that. An agent must
// refuse such a schema before it asks the model anything: unary, streamed, in a chat, in a
// subagent. (A durable run of @gemloop/dbos runs the same tools through the same agent, so the
// same check stands before its first step.)

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const HOSTILE = `${'a'.repeat(40)}!`;

async function serve(script: FakeScript) {
  const fake = createFakeGemini({ script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

let executed = 0;
const lookupJson = () =>
  defineTool({
    name: 'lookup_code',
    description: 'Looks a code up.',
    parameters: jsonSchema({
      type: 'object',
      properties: { code: { type: 'string', pattern: '^(a+)+$' } },
      required: ['code'],
    }),
    execute: () => {
      executed += 1;
      return { found: true };
    },
  });
const lookupZod = () =>
  defineTool({
    name: 'lookup_words',
    description: 'Looks words up.',
    parameters: z.object({ words: z.string().regex(/^(\w+\s?)*$/) }),
    execute: () => {
      executed += 1;
      return { found: true };
    },
  });

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('a tool whose pattern can backtrack super-linearly', () => {
  it('is refused before the first request, unary and streamed, JSON Schema and zod alike', async () => {
    for (const [makeTool, path] of [
      [lookupJson, 'properties.code.pattern'],
      [lookupZod, 'properties.words.pattern'],
    ] as const) {
      for (const streaming of [false, true]) {
        const tool = makeTool();
        const { fake, gemini } = await serve([
          turn.call(tool.name, { code: HOSTILE, words: HOSTILE }),
          turn.text('Done.'),
        ]);
        const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] });
        const error = await failureOf(async () => {
          if (!streaming) return agent.run('Look it up.');
          const stream = agent.stream('Look it up.');
          for await (const _ of stream);
          return stream.result;
        });
        expect(UnsafePatternError.isInstance(error)).toBe(true);
        const refused = error as UnsafePatternError;
        expect(refused).toMatchObject({ toolName: tool.name, path, complexity: 'exponential' });
        expect(refused.message).toContain(`tool "${tool.name}"`);
        expect(refused.message).toContain('allowUnsafePatterns');
        expect(fake.modelRequests).toHaveLength(0);
        expect(executed).toBe(0);
      }
    }
  });

  it('is refused in a chat session, and the session keeps nothing of the failed turn', async () => {
    const { fake, gemini } = await serve([
      turn.call('lookup_code', { code: HOSTILE }),
      turn.text('Done.'),
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookupJson()] });
    const store = createMemoryHistoryStore();
    const chat = createChatSession({ agent, store, id: 'user-1' });
    const error = await failureOf(() => chat.send('Look it up.'));
    expect(UnsafePatternError.isInstance(error)).toBe(true);
    expect(fake.modelRequests).toHaveLength(0);
  });

  it("is refused in a subagent before the child asks the model anything; the parent's model reads why", async () => {
    const { fake, gemini } = await serve((request) => {
      const names = (request.body.tools ?? []).flatMap(
        (tool) => tool.functionDeclarations?.map((declaration) => declaration.name) ?? [],
      );
      // The parent asks its child; the child would call the tool with the hostile string.
      if (names.includes('codes')) {
        const answered = request.body.contents.some((content) =>
          content.parts.some((part) => part.functionResponse !== undefined),
        );
        return answered
          ? turn.text('The child failed.')
          : turn.call('codes', { task: 'Look it up.' });
      }
      return turn.call('lookup_code', { code: HOSTILE });
    });
    const child = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookupJson()] });
    const parent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [subagent(child, { name: 'codes', description: 'Looks codes up.' })],
    });
    const result = await parent.run('Find the code.');
    expect(result.text).toBe('The child failed.');
    // Two requests, both the parent's: the child refused before its first.
    expect(fake.modelRequests).toHaveLength(2);
    const answer = JSON.stringify(
      (fake.modelRequests[1]?.body as GenerateContentBody | undefined)?.contents.at(-1),
    );
    expect(answer).toContain('backtrack');
    expect(executed).toBe(0);
  });

  it('is refused by parseArgs called by hand, once the check is loaded (preloadToolSchemas)', async () => {
    const tool = lookupJson();
    const preloaded = await failureOf(() => preloadToolSchemas([tool]));
    expect(UnsafePatternError.isInstance(preloaded)).toBe(true);
    expect(() => tool.parseArgs({ code: HOSTILE })).toThrow(UnsafePatternError);
  });

  it('leaves a tool whose argument is named pattern (a file search) as it was: nothing to wait for', () => {
    const grep = defineTool({
      name: 'grep',
      description: 'Searches files.',
      parameters: z.object({ pattern: z.string(), path: z.string().optional() }),
      execute: () => [],
    });
    expect(grep.parseArgs({ pattern: '^(a+)+$' })).toMatchObject({ success: true });
  });

  it('runs with allowUnsafePatterns: true, the pattern checking the arguments', async () => {
    const tool = defineTool({
      name: 'trusted',
      description: 'Called by code only.',
      parameters: jsonSchema({
        type: 'object',
        properties: { code: { type: 'string', pattern: '^(a+)+$' } },
      }),
      allowUnsafePatterns: true,
      execute: ({ code }) => ({ code }),
    });
    expect(tool.allowUnsafePatterns).toBe(true);
    await preloadToolSchemas([tool]);
    expect(tool.parseArgs({ code: 'aaa' }).success).toBe(true);
    expect(tool.parseArgs({ code: 'aab' }).success).toBe(false);
  });

  it('lets a tool with safe patterns (zod formats, a slug) run, its patterns checking the arguments', async () => {
    const tool = defineTool({
      name: 'register',
      description: 'Registers a user.',
      parameters: z.object({
        email: z.email(),
        id: z.uuid(),
        slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
        at: z.iso.datetime(),
      }),
      execute: ({ slug }) => ({ slug }),
    });
    const good = {
      email: 'dana@example.com',
      id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      slug: 'dana-x',
      at: '2026-11-28T12:00:00Z',
    };
    const { fake, gemini } = await serve([
      turn.call('register', { ...good, slug: 'Not A Slug' }),
      turn.call('register', good),
      turn.text('Registered.'),
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] });
    const result = await agent.run('Register Dana.');
    expect(result.text).toBe('Registered.');
    expect(fake.modelRequests).toHaveLength(3);
  });
});

describe('an output schema whose pattern can backtrack super-linearly', () => {
  it("rejects the run before the model's answer meets the pattern, quoting none of it", async () => {
    const { gemini } = await serve([turn.text(JSON.stringify({ words: HOSTILE }))]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      output: z.object({ words: z.string().regex(/^(\w+\s?)*$/) }),
    });
    // The answer is checked where it arrives (AgentRunError "the output schema threw while
    // checking the answer"), its cause the refusal: the pattern never ran on it.
    const error = (await failureOf(() => agent.run('Some words.'))) as Error;
    const cause = error.cause as UnsafePatternError;
    expect(UnsafePatternError.isInstance(cause)).toBe(true);
    expect(cause).toMatchObject({ toolName: undefined, path: 'properties.words.pattern' });
    expect(cause.message).toContain('the output schema');
    for (const message of [error.message, cause.message])
      expect(message).not.toContain(HOSTILE.slice(0, 20));
  });
});
