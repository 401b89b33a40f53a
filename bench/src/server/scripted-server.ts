import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScriptedBodies } from './scripted-bodies.ts';
import { parseScriptedRoute } from './scripted-route.ts';
import { RequestValidator } from './validate-request.ts';

/** Counters of one contender (the `<contender>` segment of the URL). */
export type ContenderServerStats = {
  requests: number;
  /** Requests rejected by validation (answered with HTTP 400). */
  failures: number;
  /** Final answers sent: one per completed run, chat turn or long stream. */
  finals: number;
  /** Time spent in the handler after the body arrived: parse, validate, write. */
  serverNs: number;
  lastFailure?: string | undefined;
};

/** Counters per contender and the server process's own CPU time. */
export type ServerStats = {
  contenders: Record<string, ContenderServerStats>;
  /** `process.cpuUsage()` of the process the server runs in, user + system, in microseconds. */
  processCpuUs: number;
};

/** A running scripted server. */
export type ScriptedServer = {
  /** `http://127.0.0.1:<port>`; contenders use `${url}/c/<contender>/<script>` as base URL. */
  readonly url: string;
  stats(): ServerStats;
  reset(): void;
  close(): Promise<void>;
};

/** Options of {@link startScriptedServer}. */
export type ScriptedServerOptions = {
  /** @defaultValue 0 (any free port) */
  port?: number | undefined;
};

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };
const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'content-disposition': 'attachment',
};

/**
 * A local Gemini-compatible server that plays Gemini 3 from a script and validates every request
 * ({@link RequestValidator}). It is plain `node:http` with response bodies built once per script
 * and seed and kept as Buffers, so that a request costs the server a JSON.parse, a comparison of
 * the replayed history and one write.
 */
export async function startScriptedServer({
  port = 0,
}: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const validator = new RequestValidator();
  const bodies = new ScriptedBodies();
  let counters: Record<string, ContenderServerStats> = {};

  const countersOf = (contender: string): ContenderServerStats => {
    let entry = counters[contender];
    if (entry === undefined) {
      entry = { requests: 0, failures: 0, finals: 0, serverNs: 0 };
      counters[contender] = entry;
    }
    return entry;
  };

  const handle = (request: IncomingMessage, response: ServerResponse, body: Buffer): void => {
    const route = parseScriptedRoute(request.url ?? '');
    if (route === undefined) {
      sendError(response, 404, `bench server: no route for ${request.method} ${request.url}`);
      return;
    }
    const stats = countersOf(route.contender);
    stats.requests++;
    const started = process.hrtime.bigint();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const validation = validator.validate(route.script, parsed);
    if (!validation.ok) {
      stats.failures++;
      stats.lastFailure = validation.message;
      sendError(response, 400, `bench server (${route.script}): ${validation.message}`);
    } else {
      const { answer } = validation;
      if (answer.kind !== 'round') stats.finals++;
      const answerBody = bodies.of(answer);
      if (route.stream) {
        if (answer.kind === 'chat') {
          sendError(response, 400, 'bench server: the chat script is played without streaming');
          stats.failures++;
          return;
        }
        response.writeHead(200, SSE_HEADERS);
        for (const event of answerBody.events) response.write(event);
        response.end();
      } else if (answer.kind === 'long') {
        sendError(response, 400, 'bench server: the long script is played with streaming only');
        stats.failures++;
        return;
      } else {
        response.writeHead(200, { ...JSON_HEADERS, 'content-length': answerBody.json.length });
        response.end(answerBody.json);
      }
    }
    stats.serverNs += Number(process.hrtime.bigint() - started);
  };

  const server = createServer({ keepAliveTimeout: 600_000, noDelay: true }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      handle(request, response, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
  });
  // Contenders sit idle while others are measured; an idle connection must survive that.
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    stats: () => {
      const usage = process.cpuUsage();
      return { contenders: structuredClone(counters), processCpuUs: usage.user + usage.system };
    },
    reset: () => {
      counters = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendError(response: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({
    error: { code: status, message, status: status === 400 ? 'INVALID_ARGUMENT' : 'NOT_FOUND' },
  });
  response.writeHead(status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
