// An AG-UI endpoint for a gemloop agent: AG-UI's own client (`HttpAgent` of `@ag-ui/client`, what
// CopilotKit and other AG-UI frontends build on) asks about an order, then asks for a refund,
// which waits for a person's approval as an AG-UI interrupt and runs once the next run resumes it.
//
//   node scripts/run-example.mjs ag-ui-door
//
// Offline (no GEMINI_API_KEY) the fake Gemini plays the model. The server and client code is the
// guide's, docs/serving-ag-ui.md (examples/test/docs/serving-ag-ui/).

import { run } from '../lib/run.ts';
import { askAndApprove } from '../test/docs/serving-ag-ui/run-with-http-agent.ts';
import { createSupportAgUiHandler } from '../test/docs/serving-ag-ui/support-ag-ui.ts';
import { supportAgUiScript } from '../test/docs/serving-ag-ui/support-script.ts';
import { serveOnNode } from '../test/docs/serving-openai/serve-on-node.ts';
import { agUiLines } from './ag-ui-lines.ts';

const KEY = 'sk-example-alice-0123456789';

await run(
  async ({ gemini, model }) => {
    const { agent, handler } = createSupportAgUiHandler({ gemini, model, keys: { alice: KEY } });
    const { server, baseURL } = await serveOnNode(handler, 0);
    const url = `${baseURL.replace(/\/v1$/, '')}/agent`;
    try {
      console.log(`Serving the agent to AG-UI at ${url}`);
      for (const line of agUiLines(await askAndApprove(url, KEY))) console.log(line);
      const refused = await fetch(url, { method: 'POST', body: '{}' });
      console.log(`no key: ${refused.status}`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    }
  },
  {
    description: 'An AG-UI endpoint for an agent, with a refund approved through an interrupt.',
    script: supportAgUiScript,
  },
);
