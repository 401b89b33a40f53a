// A gateway: CometAPI serves Gemini's native API at its own base URL and takes its own key, as
// `Authorization: Bearer` (it also accepts x-goog-api-key). Nothing else changes: same requests,
// same streaming, same agent.
//
//   COMETAPI_KEY=... node scripts/run-example.mjs gateway
//
// Without COMETAPI_KEY it makes the same client against the offline fake, and checks in the
// fake's request log that the key went out as a Bearer header (and nowhere else). CometAPI names
// gemini-2.5-flash and gemini-3.1-pro-preview in its examples; pick one with --model.

import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import { demoModel } from '@gemloop/testing/dev-model';
import { createCalculatorTool } from '@gemloop/tools';
import { CONNECTION_FLAGS, runScript } from '../lib/run.ts';

await runScript(
  async ({ flags, style }) => {
    const apiKey = process.env['COMETAPI_KEY']?.trim() || undefined;
    // Offline: the very same settings, except that the base URL points at the local fake.
    const fake = apiKey === undefined ? createFakeGemini({ script: demoModel() }) : undefined;
    try {
      const baseUrl = fake === undefined ? 'https://api.cometapi.com' : (await fake.listen()).url;
      console.log(
        style.dim(
          fake === undefined
            ? `Online: CometAPI at ${baseUrl}, key from COMETAPI_KEY`
            : `Offline: no COMETAPI_KEY set, same settings against gemloop's built-in fake Gemini on ${baseUrl}`,
        ),
      );

      const gemini = createGemini({
        baseUrl, // 'https://api.cometapi.com'
        auth: 'bearer', // Authorization: Bearer <key>
        apiKey: apiKey ?? 'offline-cometapi-key', // process.env.COMETAPI_KEY
      });
      const model = flags.model ?? 'gemini-2.5-flash';
      const agent = createAgent({ gemini, model, tools: [createCalculatorTool()] });

      const stream = agent.stream('What is 1234 * 5678?');
      for await (const event of stream) {
        if (event.type === 'text-delta') process.stdout.write(event.text);
      }
      const result = await stream.result;
      process.stdout.write('\n');
      console.log(
        style.dim(
          `${model}: ${result.steps.length} model calls, ${result.usage.totalTokenCount} tokens`,
        ),
      );

      if (fake !== undefined) {
        // The fake records every request, with the key redacted but the auth scheme kept.
        const requests = fake.modelRequests;
        const bearer = requests.every(
          (request) => request.headers['authorization'] === 'Bearer [redacted]',
        );
        const googleHeader = requests.some(
          (request) => request.headers['x-goog-api-key'] !== undefined,
        );
        const keyInUrl = requests.some((request) => request.url.includes('key='));
        console.log(
          `${requests.length} requests: Authorization: Bearer on ${bearer ? 'every one' : 'NOT every one'}; x-goog-api-key ${googleHeader ? 'SENT' : 'never sent'}; key in the URL ${keyInUrl ? 'YES' : 'never'}`,
        );
        if (!bearer || googleHeader || keyInUrl) process.exitCode = 1;
      }
    } finally {
      await fake?.close();
    }
  },
  {
    description: 'CometAPI settings: base URL, Bearer auth and its own key.',
    flags: { model: CONNECTION_FLAGS.model },
  },
);
