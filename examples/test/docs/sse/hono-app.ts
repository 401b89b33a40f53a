// Guide "Streaming a run to a browser": Hono (Node, Bun, Deno, Workers).
import type { Agent } from '@gemloop/core';
import { toEventStreamResponse } from '@gemloop/core/web';
import { Hono } from 'hono';

export function createHonoApp(agent: Agent): Hono {
  const app = new Hono();
  app.post('/chat', async (c) => {
    // A body that is not JSON is the client's mistake (c.req.json() throws, a 500 by default).
    const body: unknown = await c.req.json().catch(() => undefined);
    const message = (body as { message?: unknown } | undefined)?.message;
    if (typeof message !== 'string' || message === '') {
      return c.json({ error: 'Send {"message": "..."} as JSON.' }, 400);
    }
    // c.req.raw.signal aborts when the client goes away (so does cancelling the response body).
    return toEventStreamResponse(agent.stream(message, { signal: c.req.raw.signal }), {
      onError: (error) => console.error(error),
    });
  });
  return app;
}
