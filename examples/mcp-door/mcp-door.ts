// gemloop agents as MCP tools: the MCP SDK's own client lists the door's tools and asks the
// agent (ask_support) over Streamable HTTP, with progress notifications, twice in one session;
// a wrong token is refused with 401.
//
//   node scripts/run-example.mjs mcp-door
//
// Offline (no GEMINI_API_KEY) the fake Gemini plays the model. The server and client code is the
// guide's, docs/serving-mcp.md (examples/test/docs/serving-mcp/).

import { run } from '../lib/run.ts';
import { askAboutAnOrder } from '../test/docs/serving-mcp/ask-with-mcp.ts';
import { serveOnNode } from '../test/docs/serving-mcp/serve-mcp.ts';
import { createSupportMcp } from '../test/docs/serving-mcp/support-mcp.ts';
import { supportScript } from '../test/docs/serving-mcp/support-script.ts';

const TOKEN = 'mcp-example-alice-0123456789';

await run(
  async ({ gemini, model }) => {
    const { agent, door } = createSupportMcp({ gemini, model, tokens: { alice: TOKEN } });
    const { server, url } = await serveOnNode(door, 0);
    try {
      console.log(`Serving MCP at ${url}`);
      const { tools, first, progress, next } = await askAboutAnOrder(url, TOKEN);
      console.log(`tools: ${tools.join(', ')}`);
      console.log(`progress: ${progress.join(' | ')}`);
      console.log(`ask_support: ${first}`);
      console.log(`ask_support (same sessionId): ${next}`);

      const refused = await fetch(url, {
        method: 'POST',
        headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' },
        body: '{}',
      });
      console.log(`a wrong token: ${refused.status}`);
    } finally {
      await door.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    }
  },
  {
    description: 'gemloop agents as MCP tools, asked with the MCP SDK client.',
    script: supportScript,
  },
);
