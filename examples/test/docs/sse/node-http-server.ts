// Guide "Streaming a run to a browser": node:http.
import { createServer, type Server } from 'node:http';
import type { Agent } from '@gemloop/core';
import { SSE_HEADERS, streamRunAsSse } from './sse-events.ts';

export function createChatServer(agent: Agent): Server {
  return createServer(async (request, response) => {
    if (request.method !== 'POST' || request.url !== '/chat') {
      response.writeHead(404).end();
      return;
    }
    let body = '';
    for await (const chunk of request) body += chunk;
    const { message } = JSON.parse(body) as { message: string };

    // The browser closed the tab or aborted its fetch: stop the run and its tools.
    const controller = new AbortController();
    response.on('close', () => controller.abort());

    response.writeHead(200, SSE_HEADERS);
    for await (const frame of streamRunAsSse(agent, message, controller.signal)) {
      response.write(frame);
    }
    response.end();
  });
}
