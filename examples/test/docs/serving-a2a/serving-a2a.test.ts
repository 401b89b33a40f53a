import { createGemini } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { serveOnNode } from '../serving-openai/serve-on-node.ts';
import { createRefundA2AHandler, refundOverA2A } from './approve-over-a2a.ts';
import { askOverA2A } from './ask-over-a2a.ts';
import { askConcierge, createConcierge } from './delegate-over-a2a.ts';
import { createSupportA2AHandler } from './support-a2a.ts';
import { supportA2AScript } from './support-script.ts';

// The guide's code (docs/serving-a2a.md) run against the fake Gemini.

const KEY = 'sk-docs-alice-0123456789';

describe('serving an agent over A2A (the guide)', () => {
  it('answers the A2A SDK client on node:http, and a gemloop agent delegates to it', async () => {
    const fake = createFakeGemini({ script: supportA2AScript });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const { handler, agent } = createSupportA2AHandler({
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
    const supportUrl = baseURL.replace(/\/v1$/, '');
    expect(await askOverA2A(supportUrl, KEY)).toEqual({
      status: 'Order A-7 has shipped.',
      arrival: 'It arrives on Thursday.',
    });
    const concierge = createConcierge({
      gemini,
      model: 'gemini-2.5-flash',
      supportUrl,
      supportKey: KEY,
    });
    expect(await askConcierge(concierge)).toEqual({
      fromSupport: 'Yes, A-7 has shipped.',
      answer: 'Good news: your order A-7 has shipped.',
    });
    // The refund waits for approval as the task's input-required; "approve" on the task runs it.
    const refunds = createRefundA2AHandler({
      gemini,
      model: 'gemini-2.5-flash',
      keys: { alice: KEY },
    });
    const served = await serveOnNode(refunds.handler, 0);
    onTestFinished(async () => {
      served.server.closeAllConnections();
      await new Promise((resolve) => served.server.close(resolve));
      await refunds.agent.close();
    });
    const { question, answer } = await refundOverA2A(served.baseURL.replace(/\/v1$/, ''), KEY);
    expect(question).toContain('Approve the call of refund_order?');
    expect(answer).toBe('Order A-7 is refunded.');
  });
});
