import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createAgent } from './create-agent.ts';
import { totalTokensExceed } from './stop-conditions.ts';

// Usage counts come from the server: a broken gateway or a hostile endpoint can send negative,
// string or out-of-range values. They are read at the wire boundary, so a stop condition on
// tokens still stops and the run's usage stays a sane sum.

const ping = defineTool({ name: 'ping', parameters: z.object({}), execute: () => 'pong' });

/** A client whose every response calls `ping`, with the next usage of `usages`. */
function clientAnswering(usages: readonly string[]) {
  let call = 0;
  const gemini = createGemini({
    apiKey: 'test-key',
    retry: false,
    fetch: async () => {
      const usage = usages[Math.min(call++, usages.length - 1)];
      const body = `{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"ping","args":{}}}]},"finishReason":"STOP"}],"usageMetadata":${usage}}`;
      return new Response(body, { headers: { 'content-type': 'application/json' } });
    },
  });
  return { gemini, calls: () => call };
}

function agentWith(usages: readonly string[]) {
  const { gemini, calls } = clientAnswering(usages);
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools: [ping],
    maxSteps: 5,
    stopWhen: totalTokensExceed(100),
  });
  return { agent, calls };
}

describe('usage counts from the wire', () => {
  it('a negative count does not disable totalTokensExceed', async () => {
    const { agent, calls } = agentWith(['{"totalTokenCount":-1000000}', '{"totalTokenCount":150}']);
    const result = await agent.run('Go');
    expect(result.finishReason).toBe('stop-condition');
    expect(calls()).toBe(2);
    // The negative total is not summed: the first step counts an estimate instead (marked), so a
    // gateway's negative numbers can neither lower the sum nor hide the call.
    const [first, second] = result.steps;
    expect(first?.usageEstimated).toBe(true);
    expect(first?.usage.totalTokenCount).toBeGreaterThan(0);
    expect(first?.usage.totalTokenCount).toBeLessThan(100);
    expect(second?.usageEstimated).toBeUndefined();
    expect(result.usage.totalTokenCount).toBe(150 + (first?.usage.totalTokenCount ?? 0));
  });

  it('a count sent as a string is read as its number', async () => {
    const { agent, calls } = agentWith(['{"totalTokenCount":"150","promptTokenCount":"140"}']);
    const result = await agent.run('Go');
    expect(result.finishReason).toBe('stop-condition');
    expect(calls()).toBe(1);
    expect(result.usage).toMatchObject({ totalTokenCount: 150, promptTokenCount: 140 });
  });

  it('an infinite or huge count is dropped, not summed', async () => {
    const { agent } = agentWith(['{"totalTokenCount":1e400,"promptTokenCount":99999999999}']);
    const result = await agent.run('Go');
    // Neither count is summed: each step counts an estimate of what was sent and received.
    expect(result.steps.every((step) => step.usageEstimated === true)).toBe(true);
    expect(result.usage.promptTokenCount).toBeGreaterThan(0);
    expect(result.usage.promptTokenCount).toBeLessThan(10_000);
    expect(result.usage.totalTokenCount).toBeLessThan(10_000);
  });
});
