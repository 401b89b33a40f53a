// Guide "Streaming a run to a browser": Express.
import type { Agent } from '@gemloop/core';
import express, { type Express } from 'express';
import { SSE_HEADERS, streamRunAsSse } from './sse-events.ts';

export function createExpressApp(agent: Agent): Express {
  const app = express();
  app.post('/chat', express.json(), async (request, response) => {
    const { message } = request.body as { message: string };
    const controller = new AbortController();
    response.on('close', () => controller.abort());

    response.set(SSE_HEADERS).flushHeaders();
    for await (const frame of streamRunAsSse(agent, message, controller.signal)) {
      response.write(frame);
    }
    response.end();
  });
  return app;
}
