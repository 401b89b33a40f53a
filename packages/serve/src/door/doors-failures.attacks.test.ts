import { type Agent, createAgent, createGemini, defineTool } from '@gemloop/core';
import { toEventStreamResponse } from '@gemloop/core/web';
import { createFakeGemini, turn } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createA2AHandler } from '../a2a/create-a2a-handler.ts';
import { createAgUiHandler } from '../ag-ui/create-ag-ui-handler.ts';
import { createMcpServer } from '../mcp/create-mcp-server.ts';
import { createOpenAIHandler } from '../openai/create-openai-handler.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';

// Every door made to fail in every way an outside party can make it fail (attack-doors5), and the
// bytes each protocol client receives read whole: a tool that throws with the key and an internal
// URL, a gateway's 500 HTML page naming an internal host, a 401 echoing the key, undici's
// `ECONNREFUSED 10.0.0.5:443`, a driver error with a connection string. Nothing of it may reach
// the OpenAI body or SSE frames, the AG-UI `RUN_ERROR`, the A2A task, the MCP tool result or its
// progress notes, or the browser protocol's `error` event.

const KEY = 'gemini-secret-key';
const INTERNAL = 'http://10.0.0.5:443/internal';
const FORBIDDEN = [KEY, '10.0.0.5', 'ECONNREFUSED', 'upstream-host', 'TOOL-SECRET', 'postgres://'];

type Failure = 'tool-throws' | 'gateway-html-500' | 'gateway-401-echo' | 'refused' | 'driver';

/** The model traffic for `failure`: the fake Gemini for a tool that throws, else a failing gateway. */
function gatewayFetch(failure: Failure): typeof fetch {
  // Four runs at most per agent (the OpenAI door's), each a failed call and then the answer.
  const script = Array.from({ length: 4 }, () => [
    turn.call('lookup', { q: 'x' }),
    turn.text('done'),
  ]).flat();
  const fake = createFakeGemini({ script });
  return async (input, init) => {
    switch (failure) {
      case 'tool-throws':
        return fake.fetch(input, init);
      case 'gateway-html-500':
        return new Response(
          `<html><body>502 from upstream-host ${INTERNAL} key=${KEY}</body></html>`,
          { status: 500, headers: { 'content-type': 'text/html' } },
        );
      case 'gateway-401-echo':
        return Response.json(
          { error: { code: 401, message: `API key ${KEY} not valid at ${INTERNAL}` } },
          { status: 401 },
        );
      case 'refused':
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:443'), {
            code: 'ECONNREFUSED',
            address: '10.0.0.5',
          }),
        });
      case 'driver':
        throw new Error(`connection to postgres://admin:${KEY}@10.0.0.5:5432/db failed`);
    }
  };
}

function failingAgent(failure: Failure): Agent {
  const gemini = createGemini({ apiKey: KEY, retry: false, fetch: gatewayFetch(failure) });
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks something up.',
    parameters: z.object({ q: z.string() }),
    execute: () => {
      throw new Error(`TOOL-SECRET ${KEY} failed at ${INTERNAL}`);
    },
  });
  return createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookup] });
}

const authorize = () => 'alice';

/** Every byte each door sends for one run of `failure`, by door. */
async function bytesPerDoor(failure: Failure): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const openai = await listenForTest(
    createOpenAIHandler({ agents: { a: failingAgent(failure) }, authorize, onError: () => {} }),
  );
  for (const stream of [false, true]) {
    const chat = await fetch(`${openai}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'a', stream, messages: [{ role: 'user', content: 'hi' }] }),
    });
    out[`openai chat${stream ? ' stream' : ''}`] = `${chat.status} ${await chat.text()}`;
    const responses = await fetch(`${openai}/v1/responses`, {
      method: 'POST',
      body: JSON.stringify({ model: 'a', stream, input: 'hi' }),
    });
    out[`openai responses${stream ? ' stream' : ''}`] =
      `${responses.status} ${await responses.text()}`;
  }
  const agUi = await listenForTest(
    createAgUiHandler({ agent: failingAgent(failure), authorize, onError: () => {} }),
  );
  const run = await fetch(agUi, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      threadId: 't',
      runId: 'r',
      state: {},
      messages: [{ id: '1', role: 'user', content: 'hi' }],
      tools: [],
      context: [],
      forwardedProps: {},
    }),
  });
  out['ag-ui'] = `${run.status} ${await run.text()}`;
  const a2a = await listenForTest(
    createA2AHandler({
      agent: failingAgent(failure),
      card: { name: 'Support', description: 'Answers.' },
      authorize,
      onError: () => {},
    }),
  );
  for (const method of ['message/send', 'message/stream']) {
    const answer = await fetch(a2a, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method,
        params: {
          message: {
            kind: 'message',
            messageId: crypto.randomUUID(),
            role: 'user',
            parts: [{ kind: 'text', text: 'hi' }],
          },
        },
      }),
    });
    out[`a2a ${method}`] = `${answer.status} ${await answer.text()}`;
  }
  const door = createMcpServer({
    agents: { support: failingAgent(failure) },
    authorize,
    onError: () => {},
  });
  const mcp = await listenForTest(door.handler());
  const client = new Client({ name: 'attack', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${mcp}/mcp`)));
  const notes: unknown[] = [];
  const result = await client.callTool(
    { name: 'ask_support', arguments: { message: 'hi' } },
    undefined,
    { onprogress: (note) => void notes.push(note) },
  );
  out['mcp'] = JSON.stringify({ result, notes });
  await client.close();
  await door.close();
  const page = toEventStreamResponse(failingAgent(failure).stream('hi'), { onError: () => {} });
  out['browser protocol'] = await page.text();
  return out;
}

describe('every door made to fail from outside', () => {
  it.each<Failure>(['tool-throws', 'gateway-html-500', 'gateway-401-echo', 'refused', 'driver'])(
    '%s: no key, internal address or thrown words in any byte a protocol client gets',
    async (failure) => {
      const out = await bytesPerDoor(failure);
      expect(Object.keys(out)).toHaveLength(9);
      for (const [door, bytes] of Object.entries(out)) {
        for (const forbidden of FORBIDDEN) {
          expect(bytes, `${door} holds ${forbidden}`).not.toContain(forbidden);
        }
        expect(bytes, door).not.toMatch(/\n\s+at /);
      }
      if (failure === 'tool-throws') {
        // The run goes on past the tool's failure; each client sees the answer.
        for (const [door, bytes] of Object.entries(out)) expect(bytes, door).toContain('done');
        expect(out['mcp']).toContain('a tool failed');
        return;
      }
      // The failure is told, in each protocol's own way, with fixed words.
      expect(out['openai chat']).toMatch(/^500 .*"code":"model-call"/);
      expect(out['openai responses stream']).toContain('response.failed');
      expect(out['ag-ui']).toContain('"type":"RUN_ERROR"');
      expect(out['a2a message/send']).toContain('"state":"failed"');
      expect(out['mcp']).toContain('"isError":true');
      expect(out['browser protocol']).toContain('"type":"error"');
    },
  );
});
