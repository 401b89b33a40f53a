import { PassThrough } from 'node:stream';
import { createAgent, createGemini } from '@gemloop/core';
import { listenOnLoopback } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { createMcpServer } from '../mcp/create-mcp-server.ts';
import { askSupportOverStdio, until } from './__fixtures__/client-gone.ts';
import { DOOR_KEYS, RUN_INPUT } from './__fixtures__/serve-all-doors.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';
import { mountDoors } from './mount-doors.ts';

// attack49b: the doors' model-call-cancel tests hand the agent an in-process `fetch`; here the
// model is a server on 127.0.0.1 reached through gemloop's own HTTP transport, so "the model
// request is cancelled" is what Gemini would see: the request's connection closed before its
// answer ended. Its answer sends "Hel" and then holds. A client of each door leaves (or, on stdio,
// closes stdin): the model server counts the request that ended early, and no other comes.

/** A "Gemini" on 127.0.0.1 whose streamed answer sends "Hel" and holds; counts requests and early ends. */
async function heldGemini() {
  const seen = { requests: 0, endedEarly: 0 };
  const server = await listenOnLoopback((request, response) => {
    seen.requests += 1;
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = {
      candidates: [{ index: 0, content: { role: 'model', parts: [{ text: 'Hel' }] } }],
    };
    response.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
    response.on('close', () => {
      if (!response.writableFinished) seen.endedEarly += 1;
    });
  });
  onTestFinished(() => server.close());
  return { url: server.url, seen };
}

async function serveOnHeldGemini() {
  const model = await heldGemini();
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, baseUrl: model.url });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const errors: unknown[] = [];
  const doors = mountDoors({
    authorize: (request) => ownerOfBearer(DOOR_KEYS, request),
    onError: (error) => errors.push(error),
    openai: { agents: { support: agent } },
    mcp: { agents: { support: agent } },
    agUi: { agent },
    a2a: { agent, card: { name: 'Support', description: 'Answers.' } },
  });
  onTestFinished(() => doors.close());
  const base = await listenForTest(doors.handler);
  return { base, model, errors, agent };
}

describe('a client gone while the model answers: Gemini sees its request end early', () => {
  it.each([
    [
      'chat completions, streamed',
      '/v1/chat/completions',
      { model: 'support', messages: [{ role: 'user', content: 'Hi' }], stream: true },
    ],
    ['responses, unary', '/v1/responses', { model: 'support', input: 'Hi' }],
    ['AG-UI', '/ag-ui', RUN_INPUT],
  ])('%s', async (_name, path, body) => {
    const { base, model, errors } = await serveOnHeldGemini();
    const client = new AbortController();
    const reading = fetch(`${base}${path}`, {
      method: 'POST',
      signal: client.signal,
      headers: {
        authorization: `Bearer ${DOOR_KEYS.alice}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify(body),
    })
      .then((response) => response.text())
      .catch(() => undefined);
    await until(() => model.seen.requests === 1);
    client.abort();
    await reading;
    await until(() => model.seen.endedEarly === 1);
    expect(model.seen.requests).toBe(1);
    expect(errors).toEqual([]);
  });

  it('MCP over stdio: stdin closed', async () => {
    const { model, errors, agent } = await serveOnHeldGemini();
    const door = createMcpServer({
      agents: { support: agent },
      onError: (error) => errors.push(error),
    });
    onTestFinished(() => door.close());
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let answered = '';
    stdout.on('data', (chunk: Buffer) => {
      answered += chunk.toString();
    });
    await door.connectStdio({ stdin, stdout, stderr: new PassThrough() });
    await askSupportOverStdio(stdin, () => answered);
    await until(() => model.seen.requests === 1);
    stdin.end();
    await until(() => model.seen.endedEarly === 1);
    expect(model.seen.requests).toBe(1);
    expect(errors).toEqual([]);
  });
});
