import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { AgentEvent } from '../run/agent-event.ts';

// attack65a: a gateway that passes `caches.create` on but drops `cachedContent` from the model
// calls (a proxy that rebuilds the request from the fields it knows). The request then carries
// neither the cache nor the system instruction and tools the cache holds (the plugin leaves them
// out, as the API requires beside `cachedContent`), so the model answered as if the agent had no
// instructions and no tools, every step, while `result.cache` said `active`. The API reports the
// cached tokens of every call that used a cache (`usageMetadata.cachedContentTokenCount`, the
// recorded `gemini25-flash__cachedContent-usage.json`); a call sent with a cache whose usage says
// none were used was answered without it.

const KEY = 'AIzaCacheIgnored-0123456789';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

// About 2000 tokens by the fake's estimate: above gemini-2.5-flash's 1024.
const longInstructions = `You are the lease assistant. ${'Clause: the tenant pays rent monthly. '.repeat(200)}`;

async function serve() {
  // The model answers from what it was sent: with the instructions, as the lease assistant.
  const fake = createFakeGemini({
    script: (request) =>
      turn.text(
        JSON.stringify(request.body.systemInstruction ?? '').includes('lease') ? 'LEASE' : 'WHO?',
      ),
  });
  fakes.push(fake);
  const { url } = await fake.listen();
  const sent: { cachedContent: boolean; instructions: boolean }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (/:(generateContent|streamGenerateContent)/.test(String(input))) {
      const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
      sent.push({
        cachedContent: 'cachedContent' in body,
        instructions: 'systemInstruction' in body,
      });
      const { cachedContent: _dropped, ...rest } = body;
      return globalThis.fetch(input, { ...init, body: JSON.stringify(rest) });
    }
    return globalThis.fetch(input, init);
  };
  const gemini = createGemini({ baseUrl: url, apiKey: KEY, fetch, retry: false });
  return { fake, gemini, sent };
}

describe('the prompt cache behind a gateway that drops cachedContent', () => {
  for (const streamed of [false, true]) {
    const mode = streamed ? 'streamed' : 'unary';
    it(`(${mode}) sends the step again with the prefix inline, and from then on`, async () => {
      const { fake, gemini, sent } = await serve();
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        instructions: longInstructions,
        cache: true,
      });
      const events: AgentEvent[] = [];
      const first = streamed
        ? await (async () => {
            const stream = agent.stream('Who are you?');
            for await (const event of stream) events.push(event);
            return stream.result;
          })()
        : await agent.run('Who are you?');
      expect(first.text).toBe('LEASE');
      expect(first.cache?.status).toBe('unavailable');
      // With the cache (answered without it), then inline.
      expect(sent).toEqual([
        { cachedContent: true, instructions: false },
        { cachedContent: false, instructions: true },
      ]);
      if (streamed) {
        // The answer made without the instructions was shown, then taken back.
        const shown = events
          .filter((event) => event.type === 'text-delta')
          .map((event) => (event as { text: string }).text)
          .join('');
        expect(shown).toContain('WHO?');
        expect(events).toContainEqual(
          expect.objectContaining({ type: 'guardrail-retraction', name: 'prompt-cache' }),
        );
      }
      const second = await agent.run('Again.');
      expect(second.text).toBe('LEASE');
      expect(sent.slice(2)).toEqual([{ cachedContent: false, instructions: true }]);
      await agent.close();
      // The cache the gateway made and never used is deleted, not left to its hour's storage.
      expect(await gemini.caches.list().then((page) => page.cachedContents ?? [])).toEqual([]);
      expect(fake.modelRequests).toHaveLength(3);
    });
  }

  it('keeps the cache when the usage does not count the prompt (a total alone says nothing of it)', async () => {
    const fake = createFakeGemini({ script: () => turn.text('OK') });
    fakes.push(fake);
    const { url } = await fake.listen();
    // The gateway reports the total alone: whether the cache was used cannot be told.
    const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const response = await globalThis.fetch(input, init);
      if (!String(input).includes(':generateContent')) return response;
      const body = (await response.json()) as { usageMetadata?: { totalTokenCount?: number } };
      body.usageMetadata = { totalTokenCount: body.usageMetadata?.totalTokenCount ?? 1 };
      return Response.json(body);
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
    expect(fake.modelRequests).toHaveLength(1);
    await agent.close();
  });

  it('keeps a cache the server used (its usage counts the cached tokens)', async () => {
    const fake = createFakeGemini({ script: () => turn.text('OK') });
    fakes.push(fake);
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: KEY, retry: false });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: longInstructions,
      cache: true,
    });
    const result = await agent.run('One.');
    await agent.stream('Two.').result;
    expect(result.cache?.status).toBe('active');
    expect(result.cache?.savedInputTokens).toBeGreaterThan(0);
    expect(fake.modelRequests).toHaveLength(2);
    expect(fake.modelRequests.every((request) => 'cachedContent' in (request.body as object))).toBe(
      true,
    );
    await agent.close();
  });
});
