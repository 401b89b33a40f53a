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
    // A bad body is a 400 (415 coded, 413 too large), never a throw: an async listener's
    // rejection is unhandled, and Node ends the process on one.
    const message = await readMessage(request);
    if (typeof message === 'number') {
      response
        .writeHead(message, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ error: 'Send {"message": "..."} as uncompressed JSON, at most 64 KB.' }),
        );
      return;
    }
    // One call: the events as SSE; the run aborts quietly when the browser goes away, and a
    // failed run ends with an `error` event the page can show (the details go to onError).
    await writeEventStream(response, agent.stream(message), {
      onError: (error) => console.error(error),
    });
  });
}

/**
 * The body's `message`, or the status to answer: 415 for a coded body (`Content-Encoding` other
 * than `identity`: its bytes are not the JSON, and a proxy that decodes them reads another body),
 * 413 past 64 KB (read and dropped), else 400 (not JSON, not UTF-8, no message).
 */
async function readMessage(request: IncomingMessage): Promise<string | 400 | 413 | 415> {
  const coding = request.headers['content-encoding'];
  const coded = coding !== undefined && coding.trim().toLowerCase() !== 'identity';
  // Bytes, not setEncoding('utf8'): that makes a byte that is not UTF-8 a U+FFFD, sent on as text.
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= 64_000 && !coded) chunks.push(chunk);
  }
  if (coded) return 415;
  if (size > 64_000) return 413;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    const { message } = JSON.parse(text) as { message?: unknown };
    return typeof message === 'string' && message !== '' ? message : 400;
  } catch {
    return 400;
  }
}
