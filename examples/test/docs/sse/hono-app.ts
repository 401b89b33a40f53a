// Guide "Streaming a run to a browser": Hono (Node, Bun, Deno, Workers).
import type { Agent } from '@gemloop/core';
import { toEventStreamResponse } from '@gemloop/core/web';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export function createHonoApp(agent: Agent): Hono {
  const app = new Hono();
  const limit = bodyLimit({
    maxSize: 64 * 1024,
    onError: (c) => c.json({ error: 'A message is at most 64 KB.' }, 413),
  });
  app.post('/chat', limit, async (c) => {
    // A coded body's bytes are not the JSON (Hono does not decode them), and a proxy in front
    // that decodes the label reads another body: refuse it.
    const coding = c.req.header('content-encoding');
    if (coding !== undefined && coding.trim().toLowerCase() !== 'identity') {
      return c.json({ error: 'Send the body uncompressed.' }, 415);
    }
    // A body that is not JSON, or not UTF-8, is the client's mistake (c.req.json() throws, a 500
    // by default, and reads a byte that is not UTF-8 as U+FFFD).
    const body: unknown = await c.req
      .arrayBuffer()
      .then((bytes) => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)))
      .catch(() => undefined);
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
