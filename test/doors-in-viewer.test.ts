import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { HttpAgent } from '@ag-ui/client';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createRunRecorder, type RunRecorder } from '@gemloop/core/recorder';
import { createA2AHandler } from '@gemloop/serve/a2a';
import { createAgUiHandler } from '@gemloop/serve/ag-ui';
import { createMcpServer } from '@gemloop/serve/mcp';
import { toNodeListener } from '@gemloop/serve/node';
import { createOpenAIHandler } from '@gemloop/serve/openai';
import { createFakeGemini, turn } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { readRunSummaries } from 'gemloop';
import OpenAI from 'openai';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';

// Every door of @gemloop/serve shows its runs in the recorder and `gemloop view`: a run made
// through each door, by that protocol's own client, is recorded by the agent's recorder and read
// back by the viewer's run list (`readRunSummaries`, what `gemloop view` serves its table from).

const KEY = 'door-key-0123456789';
const authorize = (request: Request) =>
  request.headers.get('authorization') === `Bearer ${KEY}` ? 'alice' : null;

/** An agent on the fake Gemini that looks an order up, then answers, recording into a folder. */
async function recordedAgent() {
  const dir = await mkdtemp(join(tmpdir(), 'door-viewer-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const fake = createFakeGemini({
    script: [
      turn.call('lookup_order', { order: 'A-7', token: 'secret-token-123' }),
      turn.text('Order A-7 has shipped.'),
    ],
  });
  const recorder = createRunRecorder({ dir });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
    name: 'support',
    telemetry: false,
    recorder,
    tools: [
      defineTool({
        name: 'lookup_order',
        description: 'Looks an order up.',
        parameters: z.object({ order: z.string(), token: z.string() }),
        secretArguments: ['token'],
        execute: ({ order }) => ({ order, status: 'shipped' }),
      }),
    ],
  });
  return { dir, agent, recorder };
}

/** A Fetch-API handler on 127.0.0.1 through the node adapter, closed when the test ends. */
async function listen(handler: (request: Request) => Promise<Response>): Promise<string> {
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The viewer's one row for the run the door made: asked, answered, the tool, no secret. */
async function expectViewed(dir: string, recorder: RunRecorder, streaming: boolean) {
  await recorder.flush();
  const rows = await readRunSummaries(dir);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    outcome: 'success',
    agentName: 'support',
    model: 'gemini-2.5-flash',
    question: 'Where is order A-7?',
    answer: 'Order A-7 has shipped.',
    tools: ['lookup_order'],
    steps: 2,
    streaming,
  });
  expect(JSON.stringify(rows)).not.toContain('secret-token-123');
}

describe('every door shows its runs in the recorder and the viewer', () => {
  it('openai: a Chat Completions call of the openai client', async () => {
    const { dir, agent, recorder } = await recordedAgent();
    const origin = await listen(createOpenAIHandler({ agents: { support: agent }, authorize }));
    const openai = new OpenAI({ apiKey: KEY, baseURL: `${origin}/v1`, maxRetries: 0 });
    const completion = await openai.chat.completions.create({
      model: 'support',
      messages: [{ role: 'user', content: 'Where is order A-7?' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Order A-7 has shipped.');
    await expectViewed(dir, recorder, false);
  });

  it('mcp: an ask_support call of the MCP SDK client', async () => {
    const { dir, agent, recorder } = await recordedAgent();
    const door = createMcpServer({ agents: { support: agent }, authorize });
    onTestFinished(() => door.close());
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await door.connect(serverSide, { owner: 'alice' });
    const client = new Client({ name: 'viewer-test', version: '1.0.0' });
    await client.connect(clientSide);
    onTestFinished(() => client.close());
    const result = await client.callTool({
      name: 'ask_support',
      arguments: { message: 'Where is order A-7?' },
    });
    expect(JSON.stringify(result.content)).toContain('Order A-7 has shipped.');
    await expectViewed(dir, recorder, true);
  });

  it("ag-ui: a run of @ag-ui/client's HttpAgent", async () => {
    const { dir, agent, recorder } = await recordedAgent();
    const origin = await listen(createAgUiHandler({ agent, authorize }));
    const http = new HttpAgent({
      url: `${origin}/agent`,
      headers: { authorization: `Bearer ${KEY}` },
    });
    http.addMessage({ id: crypto.randomUUID(), role: 'user', content: 'Where is order A-7?' });
    const run = await http.runAgent();
    expect(run.result).toBe('Order A-7 has shipped.');
    await expectViewed(dir, recorder, true);
  });

  it("a2a: a SendMessage of the A2A SDK's client", async () => {
    const { dir, agent, recorder } = await recordedAgent();
    const origin = await listen(
      createA2AHandler({
        agent,
        card: { name: 'support', description: 'Answers questions about orders.' },
        authorize,
      }),
    );
    const fetchImpl: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${KEY}`);
      return fetch(input, { ...init, headers });
    };
    const client = await new ClientFactory({
      transports: [new JsonRpcTransportFactory({ fetchImpl })],
    }).createFromUrl(origin);
    const task = (await client.sendMessage({
      message: {
        messageId: crypto.randomUUID(),
        role: 1,
        parts: [{ content: { $case: 'text', value: 'Where is order A-7?' } }],
      },
    } as never)) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    await expectViewed(dir, recorder, true);
  });
});
