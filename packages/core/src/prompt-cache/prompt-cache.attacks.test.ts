import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createLogger } from '../logging/create-logger.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';

// attack42b: the agent's prompt cache (`cache` option) against a hostile gateway, from outside: the
// real client and the fake Gemini on 127.0.0.1, with a gateway in front of it (an injected fetch)
// that answers the `cachedContents` routes badly. Whatever those answer, the run must end with the
// model's answer, the prefix sent inline (degraded to no cache), without looping, and without the
// API key in any log line.

const KEY = 'AIzaCacheAttack-0123456789';
const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

// About 2000 tokens by the fake's estimate: above gemini-2.5-flash's 1024.
const longInstructions = `You are the lease assistant. ${'Clause: the tenant pays rent monthly. '.repeat(200)}`;

type Route = (method: string, url: string) => Response | undefined;

async function serve(route: Route) {
  const fake = createFakeGemini({ script: () => turn.text('OK') });
  fakes.push(fake);
  const { url } = await fake.listen();
  const cacheCalls: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const target = String(input);
    const method = init?.method ?? 'GET';
    if (target.includes('/cachedContents')) {
      cacheCalls.push(method);
      const answer = route(method, target);
      if (answer !== undefined) return answer;
    }
    return globalThis.fetch(input, init);
  };
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const gemini = createGemini({ baseUrl: url, apiKey: KEY, fetch, retry: false });
  const logger = createLogger({ level: 'trace', destination });
  return { fake, gemini, logger, lines, cacheCalls };
}

const bodies = (fake: FakeGemini) =>
  fake.modelRequests.map((request) => request.body as Record<string, unknown>);

const html = (status: number) =>
  new Response('<html><body>502 Bad Gateway</body></html>', {
    status,
    headers: { 'content-type': 'text/html' },
  });

const creates: [string, () => Response][] = [
  ['a 500 HTML page', () => html(500)],
  ['a 400 with garbage JSON', () => new Response('{"error":', { status: 400 })],
  ['a 200 with garbage JSON', () => new Response('{"name": "cachedContents/', { status: 200 })],
  ['a 200 without a name', () => Response.json({ model: 'models/gemini-2.5-flash' })],
  ['a 200 whose name is a number', () => Response.json({ name: 42 })],
  ['a 200 with HTML', () => html(200)],
  [
    'a 403 for another user',
    () =>
      Response.json(
        { error: { code: 403, message: 'Permission denied', status: 'PERMISSION_DENIED' } },
        { status: 403 },
      ),
  ],
];

describe('the prompt cache against a hostile gateway', () => {
  for (const [label, answer] of creates) {
    it(`sends the prefix inline when caches.create answers ${label}, streamed and unary`, async () => {
      const { fake, gemini, logger, lines, cacheCalls } = await serve((method) =>
        method === 'POST' ? answer() : undefined,
      );
      const agent = createAgent({
        gemini,
        logger,
        model: 'gemini-2.5-flash',
        instructions: longInstructions,
        cache: { ttlSeconds: 600 },
      });
      const unary = await agent.run('One.');
      const streamed = await agent.stream('Two.').result;
      for (const result of [unary, streamed]) {
        expect(result.text).toBe('OK');
        expect(result.cache?.status).toBe('unavailable');
      }
      // Given up once for the agent's life: no second create on the second run.
      expect(cacheCalls).toEqual(['POST']);
      for (const body of bodies(fake)) {
        expect(body).not.toHaveProperty('cachedContent');
        expect(JSON.stringify(body['systemInstruction'])).toContain('lease assistant');
      }
      await agent.close();
      expect(lines.join('')).not.toContain(KEY);
    });
  }

  it('keeps using a live cache when its TTL refresh fails, and makes a new one once it expired', async () => {
    let clock = Date.parse('2026-11-29T03:00:00Z');
    const { fake, gemini, logger, lines, cacheCalls } = await serve((method) =>
      method === 'PATCH' ? html(503) : undefined,
    );
    const agent = createAgent({
      gemini,
      logger,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      cache: { ttlSeconds: 600 },
      now: () => clock,
    });
    const first = await agent.run('One.');
    expect(first.cache?.status).toBe('active');
    clock += 400_000; // past half the TTL: the refresh fails with a 503 HTML page
    const second = await agent.run('Two.');
    expect(second.text).toBe('OK');
    expect(second.cache?.name).toBe(first.cache?.name);
    clock += 100_000; // still live: no second refresh that would fail the same way
    await agent.run('Three.');
    expect(cacheCalls).toEqual(['POST', 'PATCH']);
    clock += 200_000; // expired: a new cache
    const fourth = await agent.run('Four.');
    expect(fourth.cache?.status).toBe('active');
    expect(fourth.cache?.name).not.toBe(first.cache?.name);
    expect(cacheCalls).toEqual(['POST', 'PATCH', 'POST']);
    expect(bodies(fake).every((body) => typeof body['cachedContent'] === 'string')).toBe(true);
    expect(lines.join('')).toMatch(/could not refresh/);
    await agent.close();
    expect(lines.join('')).not.toContain(KEY);
  });

  it('keeps the API key out of logs, events and the recording when the gateway names its cache after it', async () => {
    for (const name of [`cachedContents/${KEY}`, `cachedContents/x?key=${KEY}`]) {
      const { gemini, logger, lines } = await serve((method) =>
        method === 'POST' ? Response.json({ name, model: 'models/gemini-2.5-flash' }) : undefined,
      );
      const dir = await mkdtemp(join(tmpdir(), 'gemloop-cache-attack-'));
      dirs.push(dir);
      const recorder = createRunRecorder({ dir });
      const agent = createAgent({
        gemini,
        logger,
        recorder,
        model: 'gemini-2.5-flash',
        instructions: longInstructions,
        cache: true,
      });
      const result = await agent.run('One.');
      expect(result.text).toBe('OK');
      expect(JSON.stringify(result)).not.toContain(KEY);
      const events: unknown[] = [];
      const stream = agent.stream('Two.');
      for await (const event of stream) events.push(event);
      expect(JSON.stringify(await stream.result)).not.toContain(KEY);
      expect(JSON.stringify(events), name).not.toContain(KEY);
      await recorder.flush();
      const files = await readdir(dir);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        expect(await readFile(join(dir, file), 'utf8'), name).not.toContain(KEY);
      }
      await agent.close();
      expect(lines.join(''), name).not.toContain(KEY);
    }
  });

  it('closes while the gateway is still making the cache, and deletes the cache it then made', async () => {
    // Before: close() waited for the creation, which, once made, called close() again, which
    // waited for the creation: neither ever returned, and the cache was never deleted.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let creating: () => void = () => {};
    const created = new Promise<void>((resolve) => {
      creating = resolve;
    });
    const fake = createFakeGemini({ script: () => turn.text('OK') });
    fakes.push(fake);
    const { url } = await fake.listen();
    const cacheCalls: string[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      if (String(input).includes('/cachedContents')) {
        cacheCalls.push(init?.method ?? 'GET');
        if (init?.method === 'POST') {
          creating();
          await held;
        }
      }
      return globalThis.fetch(input, init);
    };
    const gemini = createGemini({ baseUrl: url, apiKey: KEY, fetch, retry: false });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      cache: true,
    });
    const running = agent.run('One.').catch((error: unknown) => error);
    await created;
    const closing = agent.close();
    release();
    await closing;
    await running;
    expect(cacheCalls).toEqual(['POST', 'DELETE']);
    expect((await gemini.caches.list()).cachedContents).toEqual([]);
  });

  it('refuses a TTL no protobuf Duration holds when the agent is made, not at its first run', async () => {
    // Before: 1e308 (Number.MAX_VALUE was the bound) passed createAgent, and the cache was given
    // up with a warning at the first run; 1e22 went out as the Duration `1e+22s`.
    const { gemini, cacheCalls } = await serve(() => undefined);
    for (const ttlSeconds of [1e308, 1e22, 315_576_000_001]) {
      expect(() =>
        createAgent({ gemini, model: 'gemini-2.5-flash', cache: { ttlSeconds } }),
      ).toThrow(
        expect.objectContaining({
          argument: 'cache.ttlSeconds',
          message: expect.stringContaining('315576000000') as string,
        }) as InvalidArgumentError,
      );
      const refused = await gemini.caches
        .create({ model: 'gemini-2.5-flash', contents: 'A document.', ttlSeconds })
        .catch((error: unknown) => error);
      expect(InvalidArgumentError.isInstance(refused)).toBe(true);
      expect((refused as InvalidArgumentError).argument).toBe('request.ttlSeconds');
    }
    expect(cacheCalls).toEqual([]);
    const longest = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      cache: { ttlSeconds: 315_576_000_000 },
    });
    await longest.close();
  });

  it("makes the cache again when a use answers Vertex's 400 'Cache content … is expired'", async () => {
    const fake = createFakeGemini({ script: () => turn.text('OK') });
    fakes.push(fake);
    const { url } = await fake.listen();
    const sent: (string | undefined)[] = [];
    let refused: string | undefined;
    const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      if (/:(generateContent|streamGenerateContent)/.test(String(input))) {
        const body = JSON.parse(String(init?.body)) as { cachedContent?: string };
        sent.push(body.cachedContent);
        // The first cache is expired on the server already (its clock, its eviction).
        refused ??= body.cachedContent;
        if (body.cachedContent !== undefined && body.cachedContent === refused) {
          const message = `Cache content ${refused.split('/')[1]} is expired.`;
          return Response.json(
            { error: { code: 400, message, status: 'INVALID_ARGUMENT' } },
            { status: 400 },
          );
        }
      }
      return globalThis.fetch(input, init);
    };
    const gemini = createGemini({ baseUrl: url, apiKey: KEY, fetch, retry: false });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      cache: true,
    });
    const result = await agent.run('One.');
    expect(result.text).toBe('OK');
    expect(result.cache?.status).toBe('active');
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatch(/^cachedContents\//);
    expect(sent[1]).not.toBe(sent[0]);
    await agent.close();
  });

  it('sends the prefix inline when the cache is gone on every use, without looping', async () => {
    // The gateway makes caches (the fake keeps them) but every model call says the cache is gone.
    const fake = createFakeGemini({ script: () => turn.text('OK') });
    fakes.push(fake);
    const { url } = await fake.listen();
    let modelCalls = 0;
    const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const body = typeof init?.body === 'string' ? init.body : '';
      if (String(input).includes(':generateContent') || String(input).includes(':stream')) {
        modelCalls++;
        if (body.includes('"cachedContent"')) {
          return Response.json(
            { error: { code: 404, message: 'CachedContent not found', status: 'NOT_FOUND' } },
            { status: 404 },
          );
        }
      }
      return globalThis.fetch(input, init);
    };
    const gemini = createGemini({ baseUrl: url, apiKey: KEY, fetch, retry: false });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      cache: true,
    });
    const result = await agent.run('One.');
    expect(result.text).toBe('OK');
    expect(result.cache?.status).toBe('unavailable');
    expect(modelCalls).toBe(3); // with the cache, with a new one, inline
    await agent.stream('Two.').result;
    expect(modelCalls).toBe(4); // inline at once from then on
    await agent.close();
  });

  // attack65a: a 503 (after the client's retries) on the cache's creation at the agent's first
  // use gave the cache up for the agent's life: a long-lived server's agent paid the whole prefix
  // on every call after an overload blip. A passing failure is tried again a minute on.
  for (const [label, failure] of [
    [
      'a 503',
      () =>
        Response.json(
          { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
          { status: 503 },
        ),
    ],
    [
      'a 429',
      () =>
        Response.json(
          { error: { code: 429, message: 'Resource exhausted.', status: 'RESOURCE_EXHAUSTED' } },
          { status: 429 },
        ),
    ],
  ] as const) {
    it(`tries the cache again a minute after its creation failed with ${label}, not for the agent's life`, async () => {
      let clock = Date.parse('2026-12-02T08:00:00Z');
      let failing = true;
      const { fake, gemini, logger, lines, cacheCalls } = await serve((method) =>
        method === 'POST' && failing ? failure() : undefined,
      );
      const agent = createAgent({
        gemini,
        logger,
        model: 'gemini-2.5-flash',
        instructions: longInstructions,
        cache: true,
        now: () => clock,
      });
      const first = await agent.run('One.');
      expect(first.text).toBe('OK');
      expect(first.cache?.status).toBe('unavailable');
      failing = false;
      clock += 30_000; // within the minute: inline, no new try
      expect((await agent.run('Two.')).cache?.status).toBe('unavailable');
      expect(cacheCalls).toEqual(['POST']);
      clock += 30_000; // a minute on: made, and used
      const third = await agent.stream('Three.').result;
      expect(third.cache?.status).toBe('active');
      expect(cacheCalls).toEqual(['POST', 'POST']);
      expect(bodies(fake).map((body) => typeof body['cachedContent'])).toEqual([
        'undefined',
        'undefined',
        'string',
      ]);
      expect(lines.join('')).toMatch(/for a minute, then trying again/);
      await agent.close();
      expect(lines.join('')).not.toContain(KEY);
    });
  }
});
