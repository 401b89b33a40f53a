import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/**
 * A loopback server (127.0.0.1, a free port) whose `answer` writes each response, handed the
 * request's number (0 first) and headers: a hostile or broken server a test scripts. Every
 * request's headers are kept in `requests`. Closed, with every connection it holds, when the
 * test finishes.
 */
export async function scriptedServer(
  answer: (response: ServerResponse, index: number, headers: IncomingHttpHeaders) => void,
): Promise<{ url: string; requests: IncomingHttpHeaders[] }> {
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    request.resume();
    requests.push(request.headers);
    answer(response, requests.length - 1, request.headers);
  });
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/runs/r1/events`, requests };
}

/** One SSE frame of `data` as JSON, with id `id`. */
export const frame = (id: number, data: unknown): string =>
  `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
