// An A2A server for a gemloop agent, in both directions: the A2A SDK's own client asks the served
// agent (SendMessage, then SendStreamingMessage in the same context), and another gemloop agent
// delegates to it over A2A with a2aAgent(), the remote answer streaming under the call's path;
// then a refund that waits for approval as its task's input-required, approved by the client.
//
//   node scripts/run-example.mjs a2a-door
//
// Offline (no GEMINI_API_KEY) the fake Gemini plays the model for both agents. The code is the
// guide's, docs/serving-a2a.md (examples/test/docs/serving-a2a/).

import { run } from '../lib/run.ts';
import {
  createRefundA2AHandler,
  refundOverA2A,
} from '../test/docs/serving-a2a/approve-over-a2a.ts';
import { askOverA2A } from '../test/docs/serving-a2a/ask-over-a2a.ts';
import { askConcierge, createConcierge } from '../test/docs/serving-a2a/delegate-over-a2a.ts';
import { createSupportA2AHandler } from '../test/docs/serving-a2a/support-a2a.ts';
import { supportA2AScript } from '../test/docs/serving-a2a/support-script.ts';
import { serveOnNode } from '../test/docs/serving-openai/serve-on-node.ts';

const KEY = 'sk-example-alice-0123456789';

await run(
  async ({ gemini, model }) => {
    const { agent, handler } = createSupportA2AHandler({ gemini, model, keys: { alice: KEY } });
    const { server, baseURL } = await serveOnNode(handler, 0);
    const url = baseURL.replace(/\/v1$/, '');
    try {
      console.log(
        `Serving the agent over A2A at ${url} (card: ${url}/.well-known/agent-card.json)`,
      );
      const { status, arrival } = await askOverA2A(url, KEY);
      console.log(`SendMessage: ${status}`);
      console.log(`SendStreamingMessage (same contextId): ${arrival}`);
      const concierge = createConcierge({ gemini, model, supportUrl: url, supportKey: KEY });
      const { fromSupport, answer } = await askConcierge(concierge);
      console.log(`a2aAgent (support#1): ${fromSupport}`);
      console.log(`concierge: ${answer}`);
      const refused = await fetch(`${url}/`, { method: 'POST', body: '{}' });
      console.log(`no key: ${refused.status}`);
      // A refund waits for a person: the task is input-required until the client approves it.
      const refunds = createRefundA2AHandler({ gemini, model, keys: { alice: KEY } });
      const served = await serveOnNode(refunds.handler, 0);
      try {
        const { question, answer } = await refundOverA2A(served.baseURL.replace(/\/v1$/, ''), KEY);
        console.log(`input-required: ${question}`);
        console.log(`approved: ${answer}`);
      } finally {
        served.server.closeAllConnections();
        await new Promise((resolve) => served.server.close(resolve));
        await refunds.agent.close();
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    }
  },
  {
    description: 'An A2A server for an agent, asked by the A2A SDK client and by another agent.',
    script: supportA2AScript,
  },
);
