// Guide "The browser protocol": a Hono app that resumes broken connections, stops a run on the
// page's Stop, and takes approvals, each for the user whose run it is.
import type { Agent } from '@gemloop/core';
import type { ApprovalBroker } from '@gemloop/core/web';
import { createReplayBuffer, toEventStreamResponse } from '@gemloop/core/web';
import { Hono } from 'hono';

/**
 * `approvals.beforeToolCall` is the agent's `beforeToolCall`; `userOf` is your session's user id
 * for a request (your auth middleware's).
 */
export function createResumableApp(
  agent: Agent,
  approvals: ApprovalBroker,
  userOf: (request: Request) => string,
): Hono {
  const replay = createReplayBuffer();
  const app = new Hono();
  app.post('/chat', async (c) => {
    const owner = userOf(c.req.raw);
    // A page that lost its connection (the events after its Last-Event-ID, or 410), or a page's
    // Stop (the run stops at once: 204): only for the user the run was started for.
    const continued = replay.resume(c.req.raw, { owner });
    if (continued) return continued;
    // A coded body's bytes are not the JSON; bytes that are not UTF-8 are no message (c.req.json()
    // would read them as U+FFFD).
    const coding = c.req.header('content-encoding');
    if (coding !== undefined && coding.trim().toLowerCase() !== 'identity') {
      return c.json({ error: 'Send the body uncompressed.' }, 415);
    }
    const body: unknown = await c.req
      .arrayBuffer()
      .then((bytes) => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)))
      .catch(() => undefined);
    const message = (body as { message?: unknown } | undefined)?.message;
    if (typeof message !== 'string' || message === '') {
      return c.json({ error: 'Send {"message": "..."} as JSON.' }, 400);
    }
    return toEventStreamResponse(agent.stream(message), { replay, approvals, owner });
  });
  // Only the run's own user can answer its approvals.
  app.post('/approvals', (c) => approvals.handleAnswer(c.req.raw, { owner: userOf(c.req.raw) }));
  return app;
}
