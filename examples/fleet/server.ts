// The fleet's HTTP front: starts runs, streams their events as server-sent events (reconnect with
// Last-Event-ID), takes approvals. It runs no agent itself: it only talks to Postgres.
//
//   POST /runs                         {"input": "...", "runId"?: "...", "agent"?: "support"}
//   GET  /runs?status=PENDING          the runs, newest first
//   GET  /runs/:id                     status, and the worker that runs it
//   GET  /runs/:id/events              SSE: id = event index, event = type, data = the event
//   GET  /runs/:id/result              waits for the result
//   GET  /runs/:id/approvals           calls waiting for approval
//   POST /runs/:id/approvals/:callId   {"type": "approve"} | {"type": "reject", "reason"} | {"type": "edit", "args"}
//   POST /runs/:id/cancel
//
// Each run belongs to the user who started it (`X-User`, which stands in for your session here):
// the routes of a run answer another user 404, as for a run that does not exist, and the list
// shows each user their own runs (issue 52: a run id is no key).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isRunOwner, RunAccessDeniedError } from '@gemloop/core/web';
import {
  type ApprovalDecision,
  ApprovalNotPendingError,
  DurableRunError,
  type DurableRunStatusName,
  type DurableRuns,
} from '@gemloop/dbos';

/** The HTTP server of the fleet (not listening yet). */
export function createFleetServer(runs: DurableRuns): Server {
  return createServer((request, response) => {
    route(runs, request, response).catch((error: unknown) => {
      if (RunAccessDeniedError.isInstance(error))
        return sendJson(response, 404, { error: 'no such run' });
      if (ApprovalNotPendingError.isInstance(error))
        return sendJson(response, 409, { error: error.message });
      if (DurableRunError.isInstance(error)) {
        return sendJson(response, error.status === 'NOT_FOUND' ? 404 : 409, {
          error: error.message,
          status: error.status,
        });
      }
      sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
}

async function route(
  runs: DurableRuns,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://fleet');
  const parts = url.pathname
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  const method = request.method ?? 'GET';
  const header = request.headers['x-user'];
  const owner = typeof header === 'string' && header !== '' ? header : undefined;
  if (parts[0] !== 'runs') return sendJson(response, 404, { error: 'try /runs' });
  const runId = parts[1];
  if (runId === undefined) {
    if (method === 'POST') {
      const body = (await readJson(request)) as {
        input?: unknown;
        runId?: unknown;
        agent?: unknown;
      };
      if (typeof body.input !== 'string')
        return sendJson(response, 400, { error: 'input must be a string' });
      const started = await runs.start(typeof body.agent === 'string' ? body.agent : 'support', {
        input: body.input,
        owner,
        ...(typeof body.runId === 'string' ? { runId: body.runId } : {}),
      });
      return sendJson(response, 202, started);
    }
    const status = url.searchParams.get('status');
    const listed = await runs.list(
      status === null ? {} : { status: status as DurableRunStatusName },
    );
    return sendJson(
      response,
      200,
      listed.filter((run) => isRunOwner(run.owner, owner)),
    );
  }
  const action = parts[2];
  if (action === undefined || action === 'result') {
    const status = await runs.status(runId);
    if (status === undefined || !isRunOwner(status.owner, owner))
      return sendJson(response, 404, { error: 'no such run' });
    return sendJson(response, 200, action === undefined ? status : await runs.result(runId));
  }
  if (action === 'cancel' && method === 'POST') {
    await runs.cancel(runId, { owner });
    return sendJson(response, 202, { cancelled: runId });
  }
  if (action === 'approvals' && parts[3] === undefined)
    return sendJson(response, 200, await runs.pendingApprovals(runId, { owner }));
  if (action === 'approvals' && method === 'POST' && parts[3] !== undefined) {
    const decision = (await readJson(request)) as ApprovalDecision;
    await runs.approve(runId, parts[3], decision, { owner });
    return sendJson(response, 202, { decided: parts[3] });
  }
  if (action === 'events') return streamEvents(runs, runId, owner, request, url, response);
  sendJson(response, 404, { error: `unknown route ${method} ${url.pathname}` });
}

/** Server-sent events from the run's durable stream; `Last-Event-ID` (or ?offset=) resumes. */
async function streamEvents(
  runs: DurableRuns,
  runId: string,
  owner: string | undefined,
  request: IncomingMessage,
  url: URL,
  response: ServerResponse,
): Promise<void> {
  // Checked before the 200 goes out: another user's run is a 404, not an empty stream.
  const status = await runs.status(runId);
  if (status === undefined || !isRunOwner(status.owner, owner))
    return sendJson(response, 404, { error: 'no such run' });
  const lastId = request.headers['last-event-id'];
  const offset =
    typeof lastId === 'string' && lastId !== ''
      ? Number(lastId) + 1
      : Number(url.searchParams.get('offset') ?? '0');
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  // The response's `close`, not the request's: a request's stream ends once its body was read.
  let closed = false;
  response.on('close', () => {
    closed = true;
  });
  for await (const { offset: index, event } of runs.events(runId, { offset, owner })) {
    if (closed) return;
    const frame = `id: ${index}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    // Backpressure: a client that stops reading stops the reading of the store, instead of
    // having the whole run buffered in this process for it.
    if (!response.write(frame)) await drained(response);
  }
  if (!closed) response.end('event: end\ndata: {}\n\n');
}

/** Resolves once `response` drained or closed (its listeners removed, so none pile up). */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text === '' ? {} : (JSON.parse(text) as unknown);
}
