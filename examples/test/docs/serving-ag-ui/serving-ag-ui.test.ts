import { createGemini } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { serveOnNode } from '../serving-openai/serve-on-node.ts';
import { askAndApprove } from './run-with-http-agent.ts';
import { createSupportAgUiHandler } from './support-ag-ui.ts';
import { supportAgUiScript } from './support-script.ts';

// The guide's code (docs/serving-ag-ui.md) run against the fake Gemini.

const KEY = 'sk-docs-alice-0123456789';

describe('serving an agent to AG-UI frontends (the guide)', () => {
  it('answers HttpAgent on node:http, and a refund waits for its approval', async () => {
    const fake = createFakeGemini({ script: supportAgUiScript });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const { handler, agent } = createSupportAgUiHandler({
      gemini,
      model: 'gemini-2.5-flash',
      keys: { alice: KEY },
    });
    const { server, baseURL } = await serveOnNode(handler, 0);
    onTestFinished(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    });
    expect(await askAndApprove(`${baseURL}/agent`, KEY)).toEqual({
      status: 'Order A-7 has shipped.',
      asked: ['Approve the call of refund_order?'],
      refund: 'Order A-7 is refunded.',
      state: { orders: { 'A-7': 'refunded' } },
    });
  });
});
