import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { ResponseInfo } from '../http/gemini.ts';
import { readServiceTier } from '../wire/read-service-tier.ts';
import { createAgent } from './create-agent.ts';

// Service tiers (@google/genai 2.18.0 `ServiceTier`: 'unspecified' | 'flex' | 'standard' |
// 'priority', sent as `serviceTier` at the top of the body), reported back in
// `usageMetadata.serviceTier` and the `x-gemini-service-tier` response header.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(options: Parameters<typeof createFakeGemini>[0]) {
  const fake = createFakeGemini(options);
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

describe('serviceTier', () => {
  it('sends the agent option and reports the served tier on each step, streamed and not', async () => {
    for (const streaming of [false, true]) {
      const { fake, gemini } = await serve({ script: [turn.text('cheap answer')] });
      const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', serviceTier: 'flex' });
      const result = streaming ? await agent.stream('Hi').result : await agent.run('Hi');
      expect((fake.requests[0]?.body as { serviceTier?: string } | undefined)?.serviceTier).toBe(
        'flex',
      );
      expect(result.steps[0]?.serviceTier).toBe('flex');
    }
  });

  it('reports the tier that served, not the one asked for (priority falling back)', async () => {
    const { gemini } = await serve({
      script: [turn.text('ok')],
      serveTier: () => 'standard',
    });
    const seen: ResponseInfo[] = [];
    const response = await gemini.generateContent(
      { model: 'gemini-3-flash-preview', contents: 'Hi', serviceTier: 'priority' },
      { onResponse: (info) => seen.push(info) },
    );
    expect(response.usageMetadata?.serviceTier).toBe('standard');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.get('x-gemini-service-tier')).toBe('standard');
    expect(readServiceTier(response, seen[0]?.headers)).toBe('standard');
  });

  it('is refused by the fake with a 400 for an unknown tier, as the API would', async () => {
    const { gemini } = await serve({ script: [turn.text('ok')] });
    const error = await gemini
      .generateContent({ model: 'gemini-3-flash-preview', contents: 'Hi', serviceTier: 'turbo' })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(400);
    expect((error as ApiCallError).apiMessage).toContain('service_tier');
  });

  it('leaves usage without a tier when none was asked for', async () => {
    const { gemini } = await serve({ script: [turn.text('ok')] });
    const response = await gemini.generateContent({
      model: 'gemini-3-flash-preview',
      contents: 'Hi',
    });
    expect(response.usageMetadata?.serviceTier).toBeUndefined();
  });
});

describe('serviceTier from the header alone', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it('takes the x-gemini-service-tier header when usage does not say', async () => {
    server.use(
      http.post(
        'https://gateway.example/v1beta/models/gemini-3-flash-preview:generateContent',
        () =>
          HttpResponse.json(
            {
              candidates: [
                { content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' },
              ],
              usageMetadata: { promptTokenCount: 1, totalTokenCount: 2 },
            },
            { headers: { 'x-gemini-service-tier': 'priority' } },
          ),
      ),
    );
    const gemini = createGemini({ baseUrl: 'https://gateway.example', apiKey: 'test-key' });
    const own: string[] = [];
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      serviceTier: 'priority',
      callOptions: { onResponse: (info) => own.push(String(info.status)) },
    });
    const result = await agent.run('Hi');
    expect(result.steps[0]?.serviceTier).toBe('priority');
    // The caller's own onResponse still runs.
    expect(own).toEqual(['200']);
  });
});
