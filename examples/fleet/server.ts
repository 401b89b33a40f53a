// The fleet's HTTP front: starts runs, streams their events as server-sent events (reconnect with
// Last-Event-ID), takes approvals. It runs no agent itself: it only talks to Postgres.
//
//   POST /runs                         {"input": "...", "runId"?: "...", "agent"?: "support"}
//   GET  /runs?status=PENDING          the caller's runs, newest 100 first
//   GET  /runs/:id                     status, and the worker that runs it
//   GET  /runs/:id/events              SSE: id = event index, event = type, data = the event
//   GET  /runs/:id/result              waits for the result
//   GET  /runs/:id/approvals           calls waiting for approval
//   POST /runs/:id/approvals/:callId   {"type": "approve"} | {"type": "reject", "reason"} | {"type": "edit", "args"}
//   POST /runs/:id/cancel
//
// Each run belongs to the user who started it (`X-User`, which stands in for your session here):
// the routes of a run answer another user 404, as for a run that does not exist, and the list
// shows each user their own runs (issue 52: a run id is no key). A request without `X-User`
// reaches only the runs nobody owns (the demo's). Failures answer fixed words: a failed run's
// error and a store's may quote a tool or name a host (`onError` gets them).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { isRunOwner, RunAccessDeniedError } from '@gemloop/core/web';
import {
  type ApprovalDecision,
  ApprovalNotPendingError,
  DurableRunError,
  type DurableRunStatusName,
  type DurableRuns,
} from '@gemloop/dbos';

/** The most runs `GET /runs` answers: the caller's newest. */
const LISTED_RUNS = 100;

/** The most a request body may be (an input or a decision); a larger one is refused unread. */
const MAX_BODY_BYTES = 64 * 1024;

/** A request this server refuses before it reaches the runs API: its status and its words. */
class RefusedRequest extends Error {
  readonly status: 400 | 404 | 413 | 415 | 501;

  constructor(status: 400 | 404 | 413 | 415 | 501, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * The HTTP server of the fleet (not listening yet). `onError` is told what failed behind a 500
 * (the client gets fixed words: a failed run's error, or a store's, may name a host or a tool's
 * words); by default it goes to the console.
 */
export function createFleetServer(
  runs: DurableRuns,
  onError: (error: unknown) => void = (error) => console.error(error),
): Server {
  return createServer((request, response) => {
    route(runs, request, response).catch((error: unknown) => {
      // The client went away (a wait ended by its signal): nobody to answer.
      if (response.destroyed) return;
      if (error instanceof RefusedRequest)
        return sendJson(response, error.status, { error: error.message });
      if (RunAccessDeniedError.isInstance(error))
        return sendJson(response, 404, { error: 'no such run' });
      if (ApprovalNotPendingError.isInstance(error))
        return sendJson(response, 409, {
          error: 'that call does not wait for a decision',
          state: error.state,
        });
      if (DurableRunError.isInstance(error)) {
        // The status only: the message quotes the run's stored error (a tool's thrown words).
        return error.status === 'NOT_FOUND'
          ? sendJson(response, 404, { error: 'no such run' })
          : sendJson(response, 409, {
              error: `the run ended ${error.status}`,
              status: error.status,
            });
      }
      // The runs API's own refusal of what the caller sent (a status, a decision): its words
      // name the argument and what it takes.
      if (InvalidArgumentError.isInstance(error))
        return sendJson(response, 400, { error: error.message, argument: error.argument });
      onError(error);
      sendJson(response, 500, { error: 'internal error' });
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
    .map(decodePart);
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
    // The caller's newest runs, by the store's owner filter (in its query): read and filtered
    // here, every user's runs were read for each list, and a page of them could hold none of
    // the caller's. The runs nobody owns (no `X-User`, the demo's) have no filter of their own:
    // they share the newest page with everyone's, and are kept here.
    const listed = await runs.list({
      ...(status === null ? {} : { status: status as DurableRunStatusName }),
      ...(owner === undefined ? {} : { owner }),
      limit: LISTED_RUNS,
    });
    return sendJson(
      response,
      200,
      listed.filter((run) => isRunOwner(run.owner, owner)),
    );
  }
  // Every route of a run checks its owner here, before the runs API: a call of the API without
  // an owner acts for the server and reaches every run, so a caller who names no user reaches
  // only the runs nobody owns (another user's run answers as one that does not exist).
  const status = await runs.status(runId);
  if (status === undefined || !isRunOwner(status.owner, owner))
    return sendJson(response, 404, { error: 'no such run' });
  const action = parts[2];
  if (action === undefined) return sendJson(response, 200, status);
  if (action === 'result') {
    // The wait ends with the client: a run paused for a decision waits for days.
    const gone = new AbortController();
    response.on('close', () => gone.abort());
    return sendJson(response, 200, await runs.result(runId, { signal: gone.signal }));
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

/** A path segment decoded; one that is not percent-encoding names no run. */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RefusedRequest(404, 'no such route: the path is not percent-encoded UTF-8');
  }
}

/** The event index to read from: after `Last-Event-ID`, else `?offset=`, else 0. */
function offsetOf(request: IncomingMessage, url: URL): number {
  const lastId = request.headers['last-event-id'];
  const [given, after] =
    typeof lastId === 'string' && lastId !== ''
      ? [lastId, 1]
      : [url.searchParams.get('offset') ?? '0', 0];
  // Digits only, as this server writes its ids: `1e3`, `-5` or `0x10` are no event of it.
  const index = /^\d{1,15}$/.test(given) ? Number(given) : Number.NaN;
  if (Number.isNaN(index))
    throw new RefusedRequest(400, 'Last-Event-ID and offset take an event index (digits)');
  return index + after;
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
  // Checked before the 200 goes out: a bad id is a 400, not a stream that ends at once.
  const offset = offsetOf(request, url);
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  // The response's `close`, not the request's: a request's stream ends once its body was read.
  // It aborts the read too: between two events the read polls for as long as the run waits (a
  // decision, for days), for a client long gone.
  let closed = false;
  const gone = new AbortController();
  response.on('close', () => {
    closed = true;
    gone.abort();
  });
  for await (const { offset: index, event } of runs.events(runId, {
    offset,
    owner,
    signal: gone.signal,
  })) {
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
  // A body refused unread: the connection closes after the answer rather than read the rest.
  if (status === 413 || status === 415 || status === 501) response.setHeader('connection', 'close');
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * The body as a JSON object: uncompressed (415 for a `Content-Encoding`, unread), at most
 * `MAX_BODY_BYTES` (413 past it, the rest unread), UTF-8
 * decoded once it is whole (a character split between two packets stays whole; bytes that are
 * not UTF-8 are refused, not replaced), and an object (400 otherwise).
 */
async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const tooLarge = () => new RefusedRequest(413, `the body is over ${MAX_BODY_BYTES} bytes`);
  // Nothing here decodes a content coding: read as JSON, a body labelled `br` ran a run although
  // its label said the bytes were something else (attack44a). RFC 9110 section 15.5.16: 415.
  const coding = request.headers['content-encoding'];
  if (coding?.split(',').some((each) => !/^\s*(identity)?\s*$/i.test(each)))
    throw new RefusedRequest(415, 'send the body uncompressed, without Content-Encoding');
  // Node undoes `chunked` only and hands the rest over still coded: RFC 9112 section 6.1's 501.
  const transfer = request.headers['transfer-encoding'];
  if (transfer?.split(',').some((each) => each.trim().toLowerCase() !== 'chunked'))
    throw new RefusedRequest(501, 'send the body chunked alone or with a Content-Length');
  if (Number(request.headers['content-length']) > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new RefusedRequest(400, 'the body is not UTF-8');
  }
  if (text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RefusedRequest(400, 'the body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RefusedRequest(400, 'the body must be a JSON object');
  return body as Record<string, unknown>;
}
