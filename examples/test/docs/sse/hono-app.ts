// Guide "Streaming a run to a browser": Hono (Node, Bun, Deno, Workers).
import type { Agent } from '@gemloop/core';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { toChatEvent } from './sse-events.ts';

export function createHonoApp(agent: Agent): Hono {
  const app = new Hono();
  app.post('/chat', async (c) => {
    const { message } = await c.req.json<{ message: string }>();
    return streamSSE(c, async (stream) => {
      // c.req.raw.signal aborts when the client goes away.
      for await (const event of agent.stream(message, { signal: c.req.raw.signal })) {
        const chatEvent = toChatEvent(event);
        if (chatEvent)
          await stream.writeSSE({ event: chatEvent.type, data: JSON.stringify(chatEvent) });
      }
    });
  });
  return app;
}
