// An OpenAI-compatible endpoint for a gemloop agent: the official `openai` client asks the agent
// through Responses (a two-turn conversation) and streamed Chat Completions; the agent's tool runs
// on the server. A wrong key is refused with 401.
//
//   node scripts/run-example.mjs openai-door
//
// Offline (no GEMINI_API_KEY) the fake Gemini plays the model. The server and client code is the
// guide's, docs/serving-openai-compatible.md (examples/test/docs/serving-openai/).

import OpenAI from 'openai';
import { run } from '../lib/run.ts';
import { askAboutAnOrder } from '../test/docs/serving-openai/ask-with-openai.ts';
import { serveOnNode } from '../test/docs/serving-openai/serve-on-node.ts';
import { createSupportHandler } from '../test/docs/serving-openai/support-handler.ts';
import { supportScript } from '../test/docs/serving-openai/support-script.ts';

const KEY = 'sk-example-alice-0123456789';

await run(
  async ({ gemini, model }) => {
    const { agent, handler } = createSupportHandler({ gemini, model, keys: { alice: KEY } });
    const { server, baseURL } = await serveOnNode(handler, 0);
    try {
      console.log(`Serving support-agent at ${baseURL}`);
      const { first, next, streamed } = await askAboutAnOrder(baseURL, KEY);
      console.log(`responses: ${first}`);
      console.log(`responses (previous_response_id): ${next}`);
      console.log(`chat.completions (streamed): ${streamed}`);

      const stranger = new OpenAI({ baseURL, apiKey: 'sk-not-a-key', maxRetries: 0 });
      const refused = await stranger.models.list().catch((error: unknown) => error);
      if (refused instanceof OpenAI.APIError) {
        console.log(`a wrong key: ${refused.status} ${refused.code}`);
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    }
  },
  {
    description: 'An OpenAI-compatible endpoint for an agent, asked with the openai client.',
    script: supportScript,
  },
);
