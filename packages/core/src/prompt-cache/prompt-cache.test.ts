import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, type FakeScript, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';
import { RUN_FILE_NAME } from '../recorder/run-file.ts';
import { defineTool } from '../tools/define/define-tool.ts';

// End to end through HTTP against the fake Gemini server, which keeps cachedContents with the
// real contract: a minimum size per model, expiry by TTL on its clock, and a 400 when
// systemInstruction/tools/toolConfig are sent beside cachedContent.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

let clock = Date.parse('2026-11-22T13:00:00Z');
const now = () => clock;

async function serve(script: FakeScript) {
  const fake = createFakeGemini({ now, script });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

// About 2000 tokens by the fake's estimate: above gemini-2.5-flash's 1024.
const longInstructions = `You are the lease assistant. ${'Clause: the tenant pays rent monthly. '.repeat(200)}`;
const lookup = defineTool({
  name: 'lookup_clause',
  description: 'Finds a clause by number.',
  parameters: z.object({ number: z.number() }),
  execute: ({ number }) => ({ number, text: 'Rent is due on the first.' }),
});

const methods = (fake: FakeGemini) => fake.requests.map((request) => request.method);
const bodyOf = (fake: FakeGemini, index: number) =>
  fake.modelRequests[index]?.body as Record<string, unknown>;

describe('the agent cache option', () => {
  it('creates the cache once, reuses it across runs and steps, never sends the cached fields beside it, and deletes it on close', async () => {
    const { fake, gemini } = await serve([
      turn.call('lookup_clause', { number: 4 }),
      turn.text('Rent is due on the first.'),
      turn.text('Yes.'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      tools: [lookup],
      cache: { ttlSeconds: 600 },
      now,
    });
    const first = await agent.run('When is rent due?');
    const second = await agent.run('Is that monthly?');
    expect(first.text).toBe('Rent is due on the first.');
    expect(methods(fake)).toEqual([
      'countTokens',
      'caches.create',
      'generateContent',
      'generateContent',
      'generateContent',
    ]);
    const cacheName = first.cache?.name as string;
    expect(cacheName).toMatch(/^cachedContents\//);
    for (let index = 0; index < 3; index++) {
      const body = bodyOf(fake, index);
      expect(body['cachedContent']).toBe(cacheName);
      expect(body).not.toHaveProperty('systemInstruction');
      expect(body).not.toHaveProperty('tools');
      expect(body).not.toHaveProperty('toolConfig');
    }
    // The cache holds what the requests no longer send.
    const created = fake.requests[1]?.body as Record<string, unknown>;
    expect(created['systemInstruction']).toEqual({ parts: [{ text: longInstructions }] });
    expect(created['tools']).toEqual([
      { functionDeclarations: [expect.objectContaining({ name: 'lookup_clause' })] },
    ]);
    expect(created['ttl']).toBe('600s');

    // Usage per step and in total; the result says what the cache saved.
    const cachedTokens = first.cache?.cachedTokens as number;
    expect(cachedTokens).toBeGreaterThan(1024);
    expect(first.steps.map((step) => step.usage.cachedContentTokenCount)).toEqual([
      cachedTokens,
      cachedTokens,
    ]);
    expect(first.usage.cachedContentTokenCount).toBe(2 * cachedTokens);
    expect(first.cache).toEqual({
      status: 'active',
      name: cacheName,
      cachedTokens,
      savedInputTokens: 2 * cachedTokens,
    });
    expect(second.cache?.savedInputTokens).toBe(cachedTokens);

    await agent.close();
    expect(methods(fake).at(-1)).toBe('caches.delete');
    expect(fake.requests.at(-1)?.url).toBe(`/v1beta/${cacheName}`);
  });

  it('reuses one cache across chat turns and refreshes its TTL once half of it has passed', async () => {
    const { fake, gemini } = await serve(() => turn.text('Noted.'));
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      cache: { ttlSeconds: 600 },
      now,
    });
    const chat = createChatSession({ agent });
    await chat.send('Hello.');
    clock += 200_000; // a third of the TTL: no refresh yet
    await chat.send('Second message.');
    clock += 200_000; // two thirds: refreshed before the call
    await chat.send('Third message.');
    expect(methods(fake).filter((method) => method.startsWith('caches.'))).toEqual([
      'caches.create',
      'caches.update',
    ]);
    const update = fake.requests.find((request) => request.method === 'caches.update');
    expect(update?.url).toMatch(/\?updateMask=ttl$/);
    expect(update?.body).toEqual({ ttl: '600s' });
    await agent.close();
  });

  it('recreates the cache when it expired, and when it vanished behind its back (403)', async () => {
    const { fake, gemini } = await serve(() => turn.text('OK'));
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      cache: { ttlSeconds: 60 },
      now,
    });
    const first = await agent.run('One.');
    clock += 120_000; // expired on both sides
    const second = await agent.run('Two.');
    expect(second.cache?.name).not.toBe(first.cache?.name);
    // Deleted by someone else: the call gets the API's 403, the agent recreates and resends.
    await gemini.caches.delete(second.cache?.name as string);
    const third = await agent.run('Three.');
    expect(third.text).toBe('OK');
    expect(third.cache?.name).not.toBe(second.cache?.name);
    const statuses = fake.modelRequests.map((request) => request.status);
    expect(statuses).toEqual([200, 200, 403, 200]);
    expect(methods(fake).filter((method) => method === 'caches.create')).toHaveLength(3);
    await agent.close();
  });

  it("keeps one cache when this machine's clock runs ahead of the server's by more than the TTL", async () => {
    // The server's expireTime is on its own clock: read against ours, a cache it just made looked
    // expired already, and each run made another (the old ones left to their TTL, never deleted).
    const { fake, gemini } = await serve(() => turn.text('OK'));
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      cache: { ttlSeconds: 600 },
      now: () => clock + 3_600_000,
    });
    await agent.run('One.');
    await agent.run('Two.');
    await agent.run('Three.');
    expect(methods(fake).filter((method) => method.startsWith('caches.'))).toEqual([
      'caches.create',
    ]);
    await agent.close();
  });

  it('streams through the cache too, and concurrent runs share one creation', async () => {
    const { fake, gemini } = await serve(() => turn.text('Streamed answer.'));
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      cache: true,
      now,
    });
    const [streamed, plain] = await Promise.all([
      agent.stream('First?').result,
      agent.run('Second?'),
    ]);
    expect(methods(fake).filter((method) => method === 'caches.create')).toHaveLength(1);
    expect(fake.modelRequests.map((request) => request.method).sort()).toEqual([
      'generateContent',
      'streamGenerateContent',
    ]);
    for (const request of fake.modelRequests) {
      expect((request.body as Record<string, unknown>)['cachedContent']).toBe(streamed.cache?.name);
    }
    expect(streamed.text).toBe('Streamed answer.');
    expect(streamed.usage.cachedContentTokenCount).toBe(streamed.cache?.cachedTokens);
    expect(plain.cache?.savedInputTokens).toBe(plain.cache?.cachedTokens);
    await agent.close();
  });

  it('sends the prefix inline when it is under the minimum, and says so', async () => {
    const { fake, gemini } = await serve(() => turn.text('Short.'));
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: 'Be brief.',
      cache: true,
      now,
    });
    const result = await agent.run('Hi');
    expect(methods(fake)).toEqual(['countTokens', 'generateContent']);
    expect(bodyOf(fake, 0)['systemInstruction']).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(result.cache).toMatchObject({
      status: 'too-small',
      name: undefined,
      savedInputTokens: 0,
    });
    await agent.run('Again');
    expect(methods(fake)).toEqual(['countTokens', 'generateContent', 'generateContent']);
    await agent.close();
    expect(methods(fake).at(-1)).toBe('generateContent');
  });

  it('caches a long first document given as cache.contents, and sends it inline when it cannot', async () => {
    const { fake, gemini } = await serve(() => turn.text('It is a lease.'));
    const document = 'Article: the landlord maintains the roof. '.repeat(150);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: 'Answer from the document.',
      cache: { contents: document },
      now,
    });
    const result = await agent.run('What is this?');
    const created = fake.requests.find((request) => request.method === 'caches.create');
    expect((created?.body as Record<string, unknown> | undefined)?.['contents']).toEqual([
      { role: 'user', parts: [{ text: document }] },
    ]);
    expect(bodyOf(fake, 0)['contents']).toEqual([
      { role: 'user', parts: [{ text: 'What is this?' }] },
    ]);
    expect(result.contents[0]).toEqual({ role: 'user', parts: [{ text: 'What is this?' }] });
    await agent.close();

    const inline = await serve(() => turn.text('Inline.'));
    const small = createAgent({
      gemini: inline.gemini,
      model: 'gemini-2.5-pro',
      cache: { contents: document },
      now,
    });
    await small.run('What is this?');
    expect(bodyOf(inline.fake, 0)['contents']).toEqual([
      { role: 'user', parts: [{ text: document }] },
      { role: 'user', parts: [{ text: 'What is this?' }] },
    ]);
    await small.close();
  });

  it('refuses cache beside cachedContent, and bad cache fields, naming them', () => {
    const gemini = createGemini({ apiKey: 'test-key' });
    expect(() =>
      createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        cache: true,
        cachedContent: 'cachedContents/a',
      }),
    ).toThrow(/cache or cachedContent/);
    expect(() =>
      createAgent({ gemini, model: 'gemini-2.5-flash', cache: { ttlSeconds: 0 } }),
    ).toThrow(/cache.ttlSeconds/);
    expect(() =>
      createAgent({ gemini, model: 'gemini-2.5-flash', cache: { ttl: 60 } as never }),
    ).toThrow(
      expect.objectContaining({
        argument: 'cache.ttl',
        message: expect.stringContaining("cache has no field 'ttl'. Did you mean 'ttlSeconds'?"),
      }),
    );
    expect(() =>
      createAgent({ gemini, model: 'gemini-2.5-flash', cache: { ttlSeconds: Infinity } }),
    ).toThrow(/cache.ttlSeconds must be a number of seconds/);
    expect(() => createAgent({ gemini, model: 'gemini-2.5-flash', cache: 'yes' as never })).toThrow(
      'cache must be true or { ttlSeconds?, minTokens?, contents? }.',
    );
  });
});

// Issue 53 (letters45): the README's row named S C D. What a cached run shows its observers: each
// model call's span counts the cached input (`gen_ai.usage.cache_read.input_tokens`), and the
// recording holds each request as sent (the cache's name, not the cached fields) and the usage.
describe('the agent cache in the spans and the recording', () => {
  it.each([false, true])(
    'counts the cached tokens on each call span and records the cache name sent (streaming %s)',
    async (streaming) => {
      const { gemini } = await serve([
        turn.call('lookup_clause', { number: 4 }),
        turn.text('Rent is due on the first.'),
      ]);
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const dir = await mkdtemp(join(tmpdir(), 'gemloop-cache-observed-'));
      try {
        const recorder = createRunRecorder({ dir });
        const agent = createAgent({
          gemini,
          model: 'gemini-2.5-flash',
          instructions: longInstructions,
          tools: [lookup],
          cache: { ttlSeconds: 600 },
          now,
          recorder,
          telemetry: { tracerProvider, conventions: 'latest' },
        });
        const result = streaming
          ? await agent.stream('When is rent due?').result
          : await agent.run('When is rent due?');
        const cachedTokens = result.cache?.cachedTokens as number;
        expect(cachedTokens).toBeGreaterThan(1024);
        const calls = exporter
          .getFinishedSpans()
          .filter((span) => span.name === 'generate_content gemini-2.5-flash');
        expect(
          calls.map((span) => span.attributes['gen_ai.usage.cache_read.input_tokens']),
        ).toEqual([cachedTokens, cachedTokens]);
        await recorder.flush();
        const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
        const lines = (await readFile(join(dir, name as string), 'utf8'))
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as RecordedRunLine);
        const sent = lines.flatMap((line) =>
          line.type === 'model-call-start' ? [line.request as Record<string, unknown>] : [],
        );
        expect(sent.map((request) => request['cachedContent'])).toEqual([
          result.cache?.name,
          result.cache?.name,
        ]);
        for (const request of sent) expect(request).not.toHaveProperty('systemInstruction');
        expect(lines.at(-1)).toMatchObject({
          type: 'run-end',
          usage: { cachedContentTokenCount: 2 * cachedTokens },
        });
        await agent.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
