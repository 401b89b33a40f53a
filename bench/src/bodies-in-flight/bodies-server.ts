import { createServer } from 'node:http';
import { createAgent, createGemini } from '@gemloop/core';
import { toNodeListener } from '@gemloop/serve/node';
import { createOpenAIHandler } from '@gemloop/serve/openai';

// The OpenAI door in a process of its own, for bodies-peak-rss.ts: its bound on the bodies read at
// once is the default (`BOUND=default`) or out of reach (`BOUND=none`, as before the option).
// Every upload names a model no agent is served under, so it is answered 404 after its body was
// read and parsed: the memory measured is the door's reading, not a run's.

const gemini = createGemini({
  apiKey: 'bench-key',
  retry: false,
  fetch: () => Promise.reject(new Error('no model call in this bench')),
});
const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
const handler = createOpenAIHandler({
  agents: { 'support-agent': agent },
  // Each client its own caller (the header it sends), as twenty users would be: one owner would
  // meet its share of the bound (half, doors58) and measure two bodies at once, not four.
  authorize: (request) => request.headers.get('x-bench-client') ?? 'bench',
  rateLimit: false,
  ...(process.env['BOUND'] === 'none' ? { maxBodyBytesInFlight: 2 ** 50 } : {}),
});
const server = createServer(toNodeListener(handler));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.send?.({ type: 'listening', port });
});
process.on('message', (message: { type?: string }) => {
  if (message.type === 'baseline') {
    globalThis.gc?.();
    process.send?.({ type: 'baseline', rss: process.memoryUsage().rss });
  }
  if (message.type === 'peak') {
    // maxRSS is in KiB: the process's peak resident set since it started.
    process.send?.({ type: 'peak', maxRss: process.resourceUsage().maxRSS * 1024 });
    server.close();
    server.closeAllConnections();
  }
});
