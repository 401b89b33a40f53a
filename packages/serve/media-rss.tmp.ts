// One-off: peak RSS of the OpenAI door (door + agent + fake Gemini, one process) answering one
// request: `text` or a 15 MB image. The client is curl, another process. Not committed.
import { createServer } from 'node:http';
import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { createOpenAIHandler } from './src/openai/create-openai-handler.ts';
import { toNodeListener } from './src/node/to-node-listener.ts';

const fake = createFakeGemini({ script: [turn.text('Seen.')] });
const gemini = createGemini({ apiKey: 'k', retry: false, fetch: fake.fetch });
const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
const handler = createOpenAIHandler({
  agents: { a: agent },
  authorize: () => 'alice',
  maxBodyBytes: 32 * 1024 * 1024,
});
const server = createServer(toNodeListener(handler));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
globalThis.gc?.();
const before = process.memoryUsage().rss;
process.stdout.write(`${JSON.stringify({ port, before })}\n`);
process.stdin.once('data', () => {
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ before, peak, grew: peak - before, requests: fake.requests.length })}\n`);
  server.close();
  process.exit(0);
});
