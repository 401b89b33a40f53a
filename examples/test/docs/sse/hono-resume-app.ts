// Guide "The browser protocol": a Hono app that resumes broken connections and takes approvals.
import type { Agent } from '@gemloop/core';
import type { ApprovalBroker } from '@gemloop/core/web';
import { createReplayBuffer, toEventStreamResponse } from '@gemloop/core/web';
import { Hono } from 'hono';

/** `approvals.beforeToolCall` is the agent's `beforeToolCall`. */
export function createResumableApp(agent: Agent, approvals: ApprovalBroker): Hono {
  const replay = createReplayBuffer();
  const app = new Hono();
  app.post('/chat', async (c) => {
    // A page that lost its connection: the events after its Last-Event-ID (or 410).
    const resumed = replay.resume(c.req.raw);
    if (resumed) return resumed;
    const { message } = await c.req.json<{ message: string }>();
    return toEventStreamResponse(agent.stream(message), { replay, approvals });
  });
  // Check the user's session here, as in any route.
  app.post('/approvals', (c) => approvals.handleAnswer(c.req.raw));
  return app;
}
