// Guide "Streaming a run to a browser": node:http.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Agent } from '@gemloop/core';
import { writeEventStream } from '@gemloop/core/web';

export function createChatServer(agent: Agent): Server {
  return createServer(async (request, response) => {
    if (request.method !== 'POST' || request.url !== '/chat') {
      response.writeHead(404).end();
      return;
    }
    // A bad body is a 400, never a throw: an async listener's rejection is unhandled, and Node
    // ends the process on one.
    const message = await readMessage(request);
    if (typeof message === 'number') {
      response
        .writeHead(message, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'Send {"message": "..."} as JSON, at most 64 KB.' }));
      return;
    }
    // One call: the events as SSE; the run aborts quietly when the browser goes away, and a
    // failed run ends with an `error` event the page can show (the details go to onError).
    await writeEventStream(response, agent.stream(message), {
      onError: (error) => console.error(error),
    });
  });
}

/** The body's `message`, or the status to answer: 413 past 64 KB (read and dropped), else 400. */
async function readMessage(request: IncomingMessage): Promise<string | 400 | 413> {
  request.setEncoding('utf8');
  let body = '';
  for await (const chunk of request) {
    if (body.length <= 64_000) body += chunk;
  }
  if (body.length > 64_000) return 413;
  try {
    const { message } = JSON.parse(body) as { message?: unknown };
    return typeof message === 'string' && message !== '' ? message : 400;
  } catch {
    return 400;
  }
}
