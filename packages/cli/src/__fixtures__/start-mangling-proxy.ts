import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request through the proxy, as the client sent it. */
export type ProxyExchange = {
  /** `generateContent`, `streamGenerateContent`, ... (what follows the `:` in the path). */
  method: string;
  /** Whether the client asked for `alt=sse`. */
  sse: boolean;
  /** The path and query, e.g. `/v1beta/models/m:generateContent`. */
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body, or `undefined`. */
  body: unknown;
};

/** A whole answer, as the proxy writes it. */
export type ProxyAnswer = { status: number; headers: Record<string, string>; text: string };

/**
 * How a gateway mangles the native API. Every hook is optional; without any the proxy is
 * faithful (it reads each answer whole, then writes it whole, keeping every SSE event).
 */
export type Mangling = {
  /** The path and query as the gateway passes them on (e.g. `alt=sse` dropped). */
  path?: (path: string, exchange: ProxyExchange) => string;
  /** The request body as the gateway passes it on (a copy: change it freely). */
  request?: (body: Record<string, unknown>, exchange: ProxyExchange) => Record<string, unknown>;
  /** Each JSON value that comes back: a unary body, or the data of each SSE event. */
  response?: (value: unknown, exchange: ProxyExchange) => unknown;
  /** The whole answer, after `response`. */
  answer?: (answer: ProxyAnswer, exchange: ProxyExchange) => ProxyAnswer;
  /** Takes over: write any bytes (or none). Return `false` to pass the exchange on. */
  raw?: (response: ServerResponse, exchange: ProxyExchange) => boolean;
};

/** A running proxy. */
export type ManglingProxy = {
  /** The base URL to give the probe or `createGemini` (no `/v1beta`). */
  url: string;
  /** Every exchange, in order. */
  exchanges: ProxyExchange[];
  /** Closes the server and every connection (a dripping body included). */
  close: () => Promise<void>;
};

/**
 * A gateway double on 127.0.0.1 in front of `upstream` (the fake Gemini's URL), mangling the
 * native API as `mangling` says: the probe's tests run the probe and gemloop's agent through the
 * same proxy, so each FAIL line's advice is checked against what the agent really does.
 */
export async function startManglingProxy(
  upstream: string,
  mangling: Mangling = {},
): Promise<ManglingProxy> {
  const exchanges: ProxyExchange[] = [];
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = request.url ?? '/';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const exchange: ProxyExchange = {
      method: /:([A-Za-z]+)(?:\?|$)/.exec(path)?.[1] ?? '',
      sse: /[?&]alt=sse(?:&|$)/.test(path),
      path,
      headers,
      body,
    };
    exchanges.push(exchange);
    if (mangling.raw?.(response, exchange) === true) return;
    let sent = raw;
    if (mangling.request !== undefined && isObject(body)) {
      sent = JSON.stringify(mangling.request(structuredClone(body), exchange));
    }
    const forwarded: Record<string, string> = {};
    for (const name of ['content-type', 'x-goog-api-key', 'authorization']) {
      const value = headers[name];
      if (value !== undefined) forwarded[name] = value;
    }
    const upstreamPath = mangling.path?.(path, exchange) ?? path;
    const upstreamResponse = await fetch(`${upstream.replace(/\/+$/, '')}${upstreamPath}`, {
      method: request.method ?? 'POST',
      headers: forwarded,
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: sent }),
    });
    let text = await upstreamResponse.text();
    const contentType = upstreamResponse.headers.get('content-type') ?? '';
    const change = mangling.response;
    if (change !== undefined) {
      text = contentType.startsWith('text/event-stream')
        ? mapSseEvents(text, (value) => change(value, exchange))
        : mapJson(text, (value) => change(value, exchange));
    }
    let answer: ProxyAnswer = {
      status: upstreamResponse.status,
      headers: { 'content-type': contentType },
      text,
    };
    const retryAfter = upstreamResponse.headers.get('retry-after');
    if (retryAfter !== null) answer.headers['retry-after'] = retryAfter;
    if (mangling.answer !== undefined) answer = mangling.answer(answer, exchange);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.text);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The data of each SSE event of `text`, JSON-parsed. */
export function sseValues(text: string): unknown[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) => /^data: ?(.*)$/s.exec(block.trim())?.[1])
    .filter((data): data is string => data !== undefined && data !== '[DONE]')
    .map((data) => JSON.parse(data) as unknown);
}

function mapSseEvents(text: string, change: (value: unknown) => unknown): string {
  return sseValues(text)
    .map((value) => `data: ${JSON.stringify(change(value))}\r\n\r\n`)
    .join('');
}

function mapJson(text: string, change: (value: unknown) => unknown): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(change(value), null, 2);
}

/** Whether `value` is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
