// Guide "Streaming a run to a browser": Express.
import type { Agent } from '@gemloop/core';
import { writeEventStream } from '@gemloop/core/web';
import express, { type ErrorRequestHandler, type Express } from 'express';

export function createExpressApp(agent: Agent): Express {
  const app = express();
  app.post('/chat', express.json({ limit: '64kb' }), async (request, response) => {
    const message = (request.body as { message?: unknown } | undefined)?.message;
    if (typeof message !== 'string' || message === '') {
      response.status(400).json({ error: 'Send {"message": "..."} as JSON.' });
      return;
    }
    await writeEventStream(response, agent.stream(message), {
      onError: (error) => console.error(error),
    });
  });
  // A body express.json() cannot read (not JSON, past the limit) gets its status in your words:
  // Express's own handler answers with the error's stack outside NODE_ENV=production.
  const unreadable: ErrorRequestHandler = (
    error: { status?: unknown },
    _request,
    response,
    _next,
  ) => {
    const status = typeof error.status === 'number' && error.status < 500 ? error.status : 500;
    response.status(status).json({ error: 'Send {"message": "..."} as JSON, at most 64 KB.' });
  };
  app.use(unreadable);
  return app;
}
