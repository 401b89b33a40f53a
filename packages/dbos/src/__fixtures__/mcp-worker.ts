// A fleet worker whose agent's tool is an MCP server's (a test fixture, not library code): the
// official SDK's McpServer, in this process over the SDK's in-memory transports, with a tool that
// asks the user a form (elicitation) in the middle of its call and one that asks the client's
// model (sampling). The worker answers the server
// through @gemloop/tools' elicitation broker, which it serves at 127.0.0.1 (POST, as a page
// posts), and shows each request in the durable run that asks through the run link's plugin.
// Configured by environment variables: DATABASE_URL, FAKE_URL, EXECUTOR_ID, COUNTER_FILE (the
// server appends `asked <executor>` when it asks and `answered <action> <executor>` when answered).
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGemini } from '@gemloop/core';
import {
  answerMcpServerRequests,
  createMcpElicitationBroker,
  createMcpRunLink,
  createMcpTools,
} from '@gemloop/tools';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createDurableRuns } from '../durable/runs/create-durable-runs.ts';
import { startDurableWorkerWith } from '../durable/worker/start-durable-worker.ts';

const env = process.env;
const executorId = env['EXECUTOR_ID'] as string;
const record = (line: string): void => appendFileSync(env['COUNTER_FILE'] as string, `${line}\n`);

const server = new McpServer({ name: 'bookings', version: '1.0.0' });
server.registerTool(
  'book_table',
  { description: 'Books a table, asking the user for the details.', inputSchema: {} },
  async () => {
    record(`asked ${executorId}`);
    const answer = await server.server.elicitInput({
      message: 'How many people?',
      requestedSchema: {
        type: 'object',
        properties: { people: { type: 'integer', title: 'People', minimum: 1, maximum: 12 } },
        required: ['people'],
      },
    });
    record(`answered ${answer.action} ${executorId}`);
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  },
);

// Asks the client's model (MCP sampling), which answers with one call to the fake Gemini.
server.registerTool(
  'summarize',
  { description: 'Summarizes the notes with the client model.', inputSchema: {} },
  async () => {
    const result = await server.server.createMessage({
      messages: [{ role: 'user', content: { type: 'text', text: 'Summarize: private notes.' } }],
      maxTokens: 100,
    });
    return { content: [{ type: 'text', text: JSON.stringify(result.content) }] };
  },
);

// Started in a function, not with top-level awaits: the bundle that runs this file is a script
// (CommonJS), so that V8's code cache serves its start (scripts/bundle-fixture.ts). A failed start
// still ends the process with the error (an unhandled rejection).
async function main(): Promise<void> {
  const gemini = createGemini({ apiKey: 'test-key', baseUrl: env['FAKE_URL'] as string, retry: false });
  const link = createMcpRunLink();
  // The worker's broker serves every user's runs: it asks whose run a request is, and shows and
  // answers it to that owner only.
  const runs = await createDurableRuns({ databaseUrl: env['DATABASE_URL'] as string });
  const broker = createMcpElicitationBroker({ link, ownerOfRun: (runId) => runs.ownerOf(runId) });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'durable-worker', version: '1.0.0' });
  await answerMcpServerRequests(client, {
    elicitation: broker.handler,
    sampling: { gemini, model: 'gemini-3-flash-preview', allowedServers: ['bookings'], link },
  });
  await client.connect(clientTransport);
  const { tools } = await createMcpTools(client);

  // The broker's answer route, as an app mounts it: the caller's owner is what the app's session
  // says (here the `x-owner` header stands for it); GET: the ids of the requests waiting here (what
  // `broker.pending` holds), for the test to wait on.
  const http = createServer(async (incoming, outgoing) => {
    if (incoming.method === 'GET') {
      outgoing.writeHead(200, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify(broker.pending.map((request) => request.id)));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const owner = incoming.headers['x-owner'];
    const response = await broker.handleAnswer(
      new Request(`http://127.0.0.1${incoming.url ?? '/'}`, {
        method: 'POST',
        body: Buffer.concat(chunks),
      }),
      { owner: typeof owner === 'string' ? owner : undefined },
    );
    outgoing.writeHead(response.status, { 'content-type': 'application/json' });
    outgoing.end(await response.text());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  console.log(`broker http://127.0.0.1:${(http.address() as AddressInfo).port}/elicitations`);

  const worker = await startDurableWorkerWith(
    {
      databaseUrl: env['DATABASE_URL'] as string,
      executorId,
      agents: {
        booking: {
          gemini,
          model: 'gemini-3-flash-preview',
          tools,
          plugins: [link.plugin],
        },
      },
      pollingIntervalMs: 200,
      // 10 minutes of silence before a takeover, as worker.ts (which says why): with 3 s, a live
      // worker that got no CPU for 3 s at load 45-80 was taken over, and the run replayed its
      // finished tool step on the other worker without the `sampling` event the first emitted in
      // that step and had not yet written (the sampling test got no plugin frame, twice). The
      // crash test's kill goes through crashWorker, which tells the fleet at once.
      takeover: { heartbeatMs: 300, deadAfterMs: 600_000 },
      logLevel: 'error',
      applicationVersion: 'test',
    },
    // No wall clock on the first connect: startWorker's hang guard watches the start (its TSDoc).
    { connectTimeoutMs: 0 },
  );
  process.on('SIGTERM', () => {
    void Promise.all([worker.shutdown(), runs.close()]).then(() => process.exit(0));
  });
  console.log(`ready ${worker.executorId}`);
}

void main();
