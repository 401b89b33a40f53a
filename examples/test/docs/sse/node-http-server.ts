// Guide "Streaming a run to a browser": node:http.
import { createServer, type Server } from 'node:http';
import type { Agent } from '@gemloop/core';
import { writeEventStream } from '@gemloop/core/web';

export function createChatServer(agent: Agent): Server {
  return createServer(async (request, response) => {
    if (request.method !== 'POST' || request.url !== '/chat') {
      response.writeHead(404).end();
      return;
    }
    let body = '';
    for await (const chunk of request) body += chunk;
    const { message } = JSON.parse(body) as { message: string };
    // One call: the events as SSE; the run aborts quietly when the browser goes away, and a
    // failed run ends with an `error` event the page can show (the details go to onError).
    await writeEventStream(response, agent.stream(message), {
      onError: (error) => console.error(error),
    });
  });
}
