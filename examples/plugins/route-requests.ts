// A third-party request-level plugin on gemloop's seam: every model request of the agent goes to a
// second client (a gateway: another base URL, another key), and each one is reported once it is
// over, streamed or unary. See route-requests-plugin.ts.
//
//   node scripts/run-example.mjs plugins-route-requests
//
// Online, set GATEWAY_BASE_URL (and GATEWAY_API_KEY) to send the requests there; without it they
// go to the agent's own client. Offline, a second fake Gemini plays the gateway.

import { createAgent, createGemini, defineTool, type Gemini } from '@gemloop/core';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';
import { routeRequests } from './route-requests-plugin.ts';

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks an order up.',
  parameters: z.object({ order: z.number() }),
  execute: ({ order }) => ({ order, status: 'shipped', eta: 'Friday' }),
});

const SCRIPT = [
  turn.call('lookup', { order: 7 }),
  turn.text('Order 7 has shipped; it arrives Friday.'),
];

await run(
  async ({ gemini, model, fake }) => {
    let gatewayFake: FakeGemini | undefined;
    let gateway: Gemini = gemini;
    if (fake !== undefined) {
      gatewayFake = createFakeGemini({ script: SCRIPT });
      const { url } = await gatewayFake.listen();
      gateway = createGemini({ baseUrl: url, apiKey: 'gateway-key', retry: false });
    } else if (process.env['GATEWAY_BASE_URL'] !== undefined) {
      gateway = createGemini({
        baseUrl: process.env['GATEWAY_BASE_URL'],
        apiKey: process.env['GATEWAY_API_KEY'],
      });
    }
    try {
      let count = 0;
      const agent = createAgent({
        gemini,
        model,
        tools: [lookup],
        plugins: [
          routeRequests({
            to: gateway,
            onRequest: (request) =>
              console.log(
                `request ${++count}: ${request.kind} via ${request.route === 'secondary' ? 'the gateway' : "the agent's client"}, ${request.contents} contents, ${request.chunks} chunk(s)${request.failed ? ', failed' : ''}`,
              ),
          }),
        ],
      });
      console.log(`plugins: ${(agent.plugins ?? []).map((plugin) => plugin.name).join(', ')}`);
      const stream = agent.stream('Where is order 7?');
      for await (const _ of stream) {
        // the plugin reports each request as it ends
      }
      console.log(`answer: ${shownAnswer((await stream.result).text)}`);
      if (fake !== undefined && gatewayFake !== undefined)
        console.log(
          `model requests: the agent's own server ${fake.modelRequests.length}, the gateway ${gatewayFake.modelRequests.length}`,
        );
    } finally {
      await gatewayFake?.close();
    }
  },
  { script: [] },
);
