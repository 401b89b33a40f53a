// A Cloudflare Worker that answers questions with a gemloop agent, streaming the answer as text.
//
//   npx wrangler secret put GEMINI_API_KEY   # once
//   npx wrangler deploy                       # wrangler.toml is beside this file
//
// @gemloop/core picks its portable build under the `workerd` export condition (wrangler sets
// it): fetch, Web Streams and TextDecoder only, no Node built-in and no compatibility flag.
// Tested in workerd: test/runtimes/workerd.test.ts runs this worker against the fake Gemini.

import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { z } from 'zod';

/** The worker's bindings: the key as a secret, and optionally another endpoint (a gateway). */
export type Env = { GEMINI_API_KEY: string; GEMINI_BASE_URL?: string };

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current temperature for a city.',
  parameters: z.object({ city: z.string() }),
  // A stand-in: a real tool would fetch() a weather service here.
  execute: async ({ city }) => ({ city, temperatureC: 18 }),
});

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const question = new URL(request.url).searchParams.get('q');
    // An empty question is no request the API takes: say so instead of sending it.
    if (question === null || question.trim() === '') {
      return new Response('Ask with ?q=... (a question, not empty)', { status: 400 });
    }
    // Without the secret createGemini() throws, which a Worker answers as a bare "exception".
    if (typeof env.GEMINI_API_KEY !== 'string' || env.GEMINI_API_KEY === '') {
      return new Response(
        'The worker has no GEMINI_API_KEY: npx wrangler secret put GEMINI_API_KEY',
        {
          status: 500,
        },
      );
    }
    // Workers have no process.env: pass the key (and any base URL) from the bindings.
    const gemini = createGemini({
      apiKey: env.GEMINI_API_KEY,
      ...(env.GEMINI_BASE_URL === undefined ? {} : { baseUrl: env.GEMINI_BASE_URL }),
    });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [getWeather] });
    // The client hanging up aborts the run (and the model call under way).
    const stream = agent.stream(question, { signal: request.signal });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          for await (const event of stream) {
            if (event.type === 'text-delta') controller.enqueue(encoder.encode(event.text));
          }
          controller.close();
        } catch (error) {
          controller.error(error);
        }
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
  },
};
