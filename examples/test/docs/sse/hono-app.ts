// Guide "Streaming a run to a browser": Hono (Node, Bun, Deno, Workers).
import type { Agent } from '@gemloop/core';
import { toEventStreamResponse } from '@gemloop/core/web';
import { Hono } from 'hono';

export function createHonoApp(agent: Agent): Hono {
  const app = new Hono();
  app.post('/chat', async (c) => {
    const { message } = await c.req.json<{ message: string }>();
    // c.req.raw.signal aborts when the client goes away (so does cancelling the response body).
    return toEventStreamResponse(agent.stream(message, { signal: c.req.raw.signal }), {
      onError: (error) => console.error(error),
    });
  });
  return app;
}
