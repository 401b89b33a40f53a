import {
  createFakeGemini,
  type FakeFunctionCall,
  type FakeRecordedRequest,
  googleError,
  turn,
} from '@gemloop/testing';

/** The answer after the weather calls: two-, three- and four-byte characters, for the decoders. */
export const weatherText = (cities: string): string => `${cities} — 晴れ 🌤 (°C)`;

/** A running fake for the runtime suites, with CORS on for the browser page. */
export type RuntimeFake = {
  url: string;
  /** The model calls received, headers included (which transport sent one shows in them). */
  readonly modelRequests: readonly FakeRecordedRequest[];
  close(): Promise<void>;
};

/**
 * Serves the fake Gemini on 127.0.0.1 for {@link runPortableSuite}: it answers by the prompt
 * (unary, streamed, parallel, structured), fails 'api error' with a 400, and holds 'hold: ...' requests until close(), so only
 * the client's abort or time limit can end them. Answers stream in small chunks.
 */
export async function startRuntimeFake(): Promise<RuntimeFake> {
  const held = new Set<() => void>();
  const fake = createFakeGemini({
    chunkSize: 4,
    // 'api error': the API's answer to a bad key, whose message the client describes (in the
    // portable build with code it imports on this first failure).
    faults: [
      {
        fault: {
          type: 'http-error',
          error: googleError(400, 'API key not valid. Please pass a valid API key.', {
            details: [
              {
                '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
                reason: 'API_KEY_INVALID',
                domain: 'googleapis.com',
              },
            ],
          }),
        },
        on: ({ body }) => JSON.stringify(body).includes('"text":"api error"'),
      },
    ],
    script: async (_request, context) => {
      const prompt = context.lastUserText ?? '';
      if (prompt.startsWith('hold')) {
        await new Promise<void>((resolve) => held.add(resolve));
        return turn.text('too late');
      }
      if (prompt === 'structured') return turn.json({ city: 'Oslo', temperatureC: 7 });
      // The browser example's tool: the answer says whether the page's clock reached the model.
      if (prompt === 'local time') {
        const [answer] = context.functionResponses;
        if (answer === undefined) return turn.call('local_time', {});
        return turn.text(weatherText(typeof answer.response?.['now'] === 'string' ? 'now' : '?'));
      }
      if (context.functionResponses.length === 0) {
        const calls: FakeFunctionCall[] =
          prompt === 'parallel'
            ? [
                { name: 'get_weather', args: { city: 'Oslo' } },
                { name: 'get_weather', args: { city: 'Bergen' } },
              ]
            : [{ name: 'get_weather', args: { city: 'Oslo' } }];
        return turn.calls(calls);
      }
      const cities = context.functionResponses
        .map(
          ({ response }) => `${String(response?.['city'])} ${String(response?.['temperatureC'])}`,
        )
        .join(', ');
      return turn.text(weatherText(cities));
    },
  });
  const { url } = await fake.listen({ cors: true });
  return {
    url,
    get modelRequests() {
      return fake.modelRequests;
    },
    async close() {
      for (const release of held) release();
      held.clear();
      await fake.close();
    },
  };
}
