import { countOptionReads, createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createBatchRuns } from '../batch/create-batch-runs.ts';
import { createGemini } from '../http/create-gemini.ts';

// attack23 (left by attack20, which copied factories' options one level): a bound nested in an
// option was checked and read again where used, so a getter gave the check one value and the use
// another. `retry: { maxRetries }` (the client's and a call's) was read by its check and again to
// build the policy: 1 to the check, 1e9 or NaN to the retry loop; a call's `timeoutMs` 30000 to the
// check and NaN to the timer; a run's `budget: { maxSteps }` 2 to the check and NaN to the run
// (no step limit at all). Each value is a getter here that counts its reads.

const counted = <Options extends object>(
  values: Options,
  reads: Record<string, number>,
  prefix: string,
): Options => countOptionReads(values, reads, prefix).options;

const readTwice = (reads: Record<string, number>): [string, number][] =>
  Object.entries(reads).filter(([, count]) => count > 1);

const answer = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
  usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
};
const fetch: typeof globalThis.fetch = async () =>
  new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });

const retryValues = {
  maxRetries: 1,
  initialDelayMs: 0,
  maxDelayMs: 10,
  factor: 2,
  jitter: false,
  maxServerDelayMs: 10,
};

describe('nested bounds are read once', () => {
  it("createGemini's retry", async () => {
    const reads: Record<string, number> = {};
    const gemini = createGemini({
      apiKey: 'k',
      fetch,
      retry: counted(retryValues, reads, 'retry.'),
    });
    await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(readTwice(reads)).toEqual([]);
  });

  it("a call's options, its retry and headers", async () => {
    const reads: Record<string, number> = {};
    const gemini = createGemini({ apiKey: 'k', fetch });
    await gemini.generateContent(
      { model: 'gemini-2.5-flash', contents: 'Hi' },
      counted(
        {
          timeoutMs: 30_000,
          retry: counted(retryValues, reads, 'retry.'),
          headers: counted({ 'x-trace': 'a' }, reads, 'headers.'),
        },
        reads,
        '',
      ),
    );
    expect(readTwice(reads)).toEqual([]);
  });

  it("a run's options and its budget", async () => {
    const reads: Record<string, number> = {};
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'k', fetch }),
      model: 'gemini-2.5-flash',
    });
    const result = await agent.run(
      'Hi',
      counted(
        {
          signal: new AbortController().signal,
          budget: counted({ maxSteps: 2, maxTokens: 1_000 }, reads, 'budget.'),
          generationConfig: { temperature: 0 },
        },
        reads,
        '',
      ),
    );
    expect(result.text).toBe('ok');
    expect(readTwice(reads)).toEqual([]);
  });

  it("createGemini's vertex: its location names the endpoint's host", async () => {
    const reads: Record<string, number> = {};
    const sent: string[] = [];
    const gemini = createGemini({
      fetch: async (input) => {
        sent.push(String(input instanceof Request ? input.url : input));
        return fetch(input);
      },
      vertex: counted(
        {
          project: 'my-project',
          location: 'us-central1',
          getAccessToken: async () => ({ token: 'ya29.attack23' }),
        },
        reads,
        'vertex.',
      ),
    });
    await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(sent[0]).toMatch(/^https:\/\/us-central1-aiplatform\.googleapis\.com\//);
    expect(readTwice(reads)).toEqual([]);
  });

  it('createBatchRuns', () => {
    const reads: Record<string, number> = {};
    createBatchRuns(
      counted(
        {
          gemini: createGemini({ apiKey: 'k', fetch }),
          model: 'gemini-2.5-flash',
          instructions: 'Be brief.',
          tools: [],
          generationConfig: { temperature: 0 },
          maxSteps: 3,
          pollIntervalMs: 1_000,
          displayName: 'attack23',
        },
        reads,
        '',
      ),
    );
    expect(readTwice(reads)).toEqual([]);
  });

  it('a vertex location that changes after its check never takes the token to another host', async () => {
    // Before: the check read 'us-central1', the client 'attacker.example/', and the request went to
    // https://attacker.example/-aiplatform.googleapis.com/… with `authorization: Bearer <token>`.
    let reads = 0;
    const vertex = {
      project: 'my-project',
      getAccessToken: async () => ({ token: 'ya29.attack23' }),
    } as Record<string, unknown>;
    Object.defineProperty(vertex, 'location', {
      enumerable: true,
      get: () => (++reads === 1 ? 'us-central1' : 'attacker.example/'),
    });
    const hosts: string[] = [];
    const gemini = createGemini({
      vertex: vertex as never,
      fetch: async (input) => {
        hosts.push(new URL(String(input instanceof Request ? input.url : input)).host);
        return fetch(input);
      },
    });
    await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(hosts).toEqual(['us-central1-aiplatform.googleapis.com']);
  });

  it("createAgent's cache, read by the cache its first run makes", async () => {
    await using fake = createFakeGemini({ script: [turn.text('Cached.')] });
    const reads: Record<string, number> = {};
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false }),
      model: 'gemini-2.5-flash',
      instructions: `You answer. ${'Clause: the tenant pays rent monthly. '.repeat(200)}`,
      cache: counted({ ttlSeconds: 600, minTokens: 0, displayName: 'attack23' }, reads, 'cache.'),
    });
    const result = await agent.run('Hi');
    expect(result.text).toBe('Cached.');
    expect(fake.modelRequests[0]?.body).toHaveProperty('cachedContent');
    expect(readTwice(reads)).toEqual([]);
  });
});
