// Guide "Streaming a run to a browser": a durable run's events (@gemloop/dbos), resumable from any
// process: the event ids are offsets in the run's store. The page's Stop and its approvals go to
// routes of their own; each route is only for the user the run was started for. Typechecked; the
// helper's own tests run it against a store's reads, dbos's run-owner.test.ts runs its routes, and
// framework-apps.attacks.test.ts sends its approval route bodies that are no decision.

import { InvalidArgumentError } from '@gemloop/core/errors';
import type { AnyTool } from '@gemloop/core/tools';
import { isRunOwner, RunAccessDeniedError, toDurableEventStreamResponse } from '@gemloop/core/web';
import type { DurableRuns } from '@gemloop/dbos';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** `userOf` is your session's user id for a request; start runs with `runs.start(agent, { owner })`. */
export function createDurableEventsApp(
  runs: DurableRuns,
  tools: readonly AnyTool[],
  userOf: (request: Request) => string,
): Hono {
  const app = new Hono();
  app.get('/runs/:id/events', async (c) => {
    const runId = c.req.param('id');
    const owner = userOf(c.req.raw);
    // Another user's run answers as a run that does not exist: 404, before any event.
    if (!isRunOwner((await runs.status(runId))?.owner, owner)) {
      return c.json({ error: 'No such run.' }, 404);
    }
    return toDurableEventStreamResponse(c.req.raw, {
      runId,
      events: (offset, signal) => runs.events(runId, { offset, owner, signal }),
      tools, // the agent's tools: their secret arguments are redacted
      ended: async () => ({
        outcome: (await runs.status(runId))?.status === 'CANCELLED' ? 'aborted' : 'error',
      }),
    });
  });
  // The page's Stop (`cancelUrl` of @gemloop/client) and its answers to approvals.
  app.post('/runs/:id/cancel', (c) =>
    forOwner(() => runs.cancel(c.req.param('id'), { owner: userOf(c.req.raw) })),
  );
  const decisionLimit = bodyLimit({
    maxSize: 64 * 1024,
    onError: (c) => c.json({ error: 'A decision is at most 64 KB.' }, 413),
  });
  app.post('/runs/:id/approvals/:approvalId', decisionLimit, async (c) => {
    // A coded body's bytes are not the JSON (Hono does not decode them): refuse it, as core's
    // approval broker does.
    const coding = c.req.header('content-encoding');
    if (coding !== undefined && coding.trim().toLowerCase() !== 'identity') {
      return c.json({ error: 'Send the decision uncompressed.' }, 415);
    }
    // A body that is not JSON is the client's mistake (c.req.json() throws, a 500 by default);
    // approve() checks the decision's shape (400 below).
    const decision = await c.req.json().catch(() => undefined);
    return forOwner(() =>
      runs.approve(c.req.param('id'), c.req.param('approvalId'), decision, {
        owner: userOf(c.req.raw),
      }),
    );
  });
  return app;
}

/** `204` once done; `404` for another user's run (or none), the same answer; `400` for a bad decision. */
async function forOwner(action: () => Promise<void>): Promise<Response> {
  try {
    await action();
    return new Response(null, { status: 204 });
  } catch (error) {
    if (RunAccessDeniedError.isInstance(error)) {
      return Response.json({ error: 'No such run.' }, { status: 404 });
    }
    if (InvalidArgumentError.isInstance(error)) {
      const expected =
        '{"type":"approve"}, {"type":"reject","reason":"..."} or {"type":"edit","args":{...}}';
      return Response.json({ error: `Send a decision as JSON: ${expected}.` }, { status: 400 });
    }
    throw error;
  }
}
