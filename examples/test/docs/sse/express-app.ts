// Guide "Streaming a run to a browser": Express.
import type { Agent } from '@gemloop/core';
import { writeEventStream } from '@gemloop/core/web';
import express, { type Express } from 'express';

export function createExpressApp(agent: Agent): Express {
  const app = express();
  app.post('/chat', express.json(), async (request, response) => {
    const { message } = request.body as { message: string };
    await writeEventStream(response, agent.stream(message), {
      onError: (error) => console.error(error),
    });
  });
  return app;
}
