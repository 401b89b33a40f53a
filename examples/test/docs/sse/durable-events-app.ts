// Guide "Streaming a run to a browser": a durable run's events (@gemloop/dbos), resumable from any
// process: the event ids are offsets in the run's store. Typechecked; the helper's own tests run it
// against a store's reads.
import type { AnyTool } from '@gemloop/core/tools';
import { toDurableEventStreamResponse } from '@gemloop/core/web';
import type { DurableRuns } from '@gemloop/dbos';
import { Hono } from 'hono';

export function createDurableEventsApp(runs: DurableRuns, tools: readonly AnyTool[]): Hono {
  const app = new Hono();
  app.get('/runs/:id/events', (c) => {
    const runId = c.req.param('id');
    return toDurableEventStreamResponse(c.req.raw, {
      runId,
      events: (offset) => runs.events(runId, { offset }),
      tools, // the agent's tools: their secret arguments are redacted
      ended: async () => ({
        outcome: (await runs.status(runId))?.status === 'CANCELLED' ? 'aborted' : 'error',
      }),
    });
  });
  return app;
}
