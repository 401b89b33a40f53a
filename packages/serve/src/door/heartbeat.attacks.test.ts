import { ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { HttpAgent } from '@ag-ui/client';
import { defineTool } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import OpenAI from 'openai';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { userMessage } from '../a2a/__fixtures__/serve-a2a.ts';
import { DOOR_KEYS } from './__fixtures__/serve-all-doors.ts';
import { agentOnFake, listenForTest } from './__fixtures__/serve-door.ts';
import { type MountDoorsOptions, mountDoors } from './mount-doors.ts';

// Each door's event stream, read by its protocol's official client, while a tool runs long: the
// door sends comment lines (a proxy between would otherwise cut the quiet stream at its idle
// timeout, and the door stop the run as if the client left), and the client parses the stream to
// the same answer. Event-driven: the tool returns once the client's fetch has seen a comment, so
// no sleep decides anything (the 5 ms heartbeat only makes the wait short).

const KEY = DOOR_KEYS.alice;

/**
 * A fetch that passes the server's bytes through to the client untouched and resolves `commented`
 * once they hold a comment line (`:` at a line's start); `bytes` is everything the server sent.
 */
function tappedFetch() {
  let seen: () => void = () => {};
  const commented = new Promise<void>((resolve) => {
    seen = resolve;
  });
  let bytes = '';
  const decoder = new TextDecoder();
  const tapped: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${KEY}`);
    const response = await fetch(input, { ...init, headers });
    if (response.body === null) return response;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes += decoder.decode(chunk, { stream: true });
          if (/(^|\n):/.test(bytes)) seen();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch: tapped, commented, bytes: () => bytes };
}

/** One door mounted on an agent whose `slow_lookup` returns once the client saw a comment. */
async function serveSlowTool(door: (agent: unknown) => Partial<MountDoorsOptions>) {
  const tap = tappedFetch();
  const slowLookup = defineTool({
    name: 'slow_lookup',
    description: 'Takes a while.',
    parameters: z.object({}),
    execute: async () => {
      await tap.commented;
      return { found: true };
    },
  });
  const { agent, fake } = agentOnFake([turn.call('slow_lookup', {}), turn.text('Found it.')], {
    tools: [slowLookup],
  } as never);
  const doors = mountDoors({
    authorize: (request) => ownerOfBearer(DOOR_KEYS, request),
    heartbeatMs: 5,
    ...door(agent),
  } as MountDoorsOptions);
  onTestFinished(() => doors.close());
  const base = await listenForTest(doors.handler);
  return { base, tap, fake };
}

describe('a long tool call: each door keeps its stream alive, and its client reads the same answer', () => {
  it('chat completions, streamed, through the openai client', async () => {
    const { base, tap } = await serveSlowTool((agent) => ({
      openai: { agents: { support: agent as never } },
    }));
    const openai = new OpenAI({
      apiKey: KEY,
      baseURL: `${base}/v1`,
      maxRetries: 0,
      fetch: tap.fetch,
    });
    const stream = await openai.chat.completions.create({
      model: 'support',
      messages: [{ role: 'user', content: 'Find it.' }],
      stream: true,
    });
    const deltas: unknown[] = [];
    for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta);
    expect(deltas).toEqual([{ role: 'assistant', content: '' }, { content: 'Found it.' }, {}]);
    expect(tap.bytes()).toContain('\n\n: ping\n\n');
  });

  it('responses, streamed, through the openai client', async () => {
    const { base, tap } = await serveSlowTool((agent) => ({
      openai: { agents: { support: agent as never } },
    }));
    const openai = new OpenAI({
      apiKey: KEY,
      baseURL: `${base}/v1`,
      maxRetries: 0,
      fetch: tap.fetch,
    });
    const stream = await openai.responses.create({
      model: 'support',
      input: 'Find it.',
      stream: true,
    });
    const types: string[] = [];
    let answer: string | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.done') answer = event.text;
    }
    expect(answer).toBe('Found it.');
    expect(types.at(-1)).toBe('response.completed');
    expect(tap.bytes()).toContain('\n\n: ping\n\n');
  });

  it('AG-UI, through HttpAgent', async () => {
    const { base, tap } = await serveSlowTool((agent) => ({ agUi: { agent: agent as never } }));
    const agUi = new HttpAgent({ url: `${base}/ag-ui`, fetch: tap.fetch });
    agUi.addMessage({ id: 'm1', role: 'user', content: 'Find it.' });
    const run = await agUi.runAgent({});
    const said = run.newMessages.filter((message) => message.role === 'assistant');
    expect(said.at(-1)?.content).toBe('Found it.');
    expect(tap.bytes()).toContain('\n\n: ping\n\n');
  });

  it('A2A message/stream, through the SDK client', async () => {
    const { base, tap } = await serveSlowTool((agent) => ({
      a2a: { agent: agent as never, card: { name: 'Support', description: 'Finds.' } },
    }));
    const a2a = await new ClientFactory({
      transports: [new JsonRpcTransportFactory({ fetchImpl: tap.fetch })],
    }).createFromUrl(`${base}/a2a/`, '.well-known/agent-card.json');
    const frames: string[] = [];
    for await (const event of a2a.sendMessageStream(userMessage('Find it.') as never)) {
      frames.push(JSON.stringify(event));
    }
    expect(frames.join('\n')).toContain('Found it.');
    expect(tap.bytes()).toContain('\n\n: ping\n\n');
  });

  it("MCP over HTTP, through the SDK client (the SDK's own keep-alive, set by heartbeatMs)", async () => {
    const { base, tap } = await serveSlowTool((agent) => ({
      mcp: { agents: { support: agent as never } },
    }));
    const mcp = new Client({ name: 'heartbeat-test', version: '1.0.0' });
    onTestFinished(() => mcp.close());
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { fetch: tap.fetch }),
    );
    const asked = await mcp.callTool({ name: 'ask_support', arguments: { message: 'Find it.' } });
    expect(asked.structuredContent).toEqual({ answer: 'Found it.' });
    expect(tap.bytes()).toContain(': keepalive\n\n');
  });
});
