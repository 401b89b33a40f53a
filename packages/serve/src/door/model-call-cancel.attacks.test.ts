import { createAgent, createGemini } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { INITIALIZE } from '../mcp/__fixtures__/raw-mcp-session.ts';
import { type ModelCall, silentAfterFirstChunk, until } from './__fixtures__/client-gone.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';
import { mountDoors } from './mount-doors.ts';

// A client of each door that goes away (or cancels) while the model is still answering: the
// run is stopped, and so is its model call, the request to Gemini aborted and its stream
// cancelled, rather than left reading (and billed) for no one. The tool-call aborts are the
// doors' own tests; these hold the model call itself, with a model whose stream sends one chunk
// and then nothing.

const KEY = 'door-alice-0123456789';
const HEADERS = {
  authorization: `Bearer ${KEY}`,
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

async function serve() {
  const model = silentAfterFirstChunk();
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: model.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const errors: unknown[] = [];
  const doors = mountDoors({
    authorize: (request) => ownerOfBearer({ alice: KEY }, request),
    onError: (error) => errors.push(error),
    openai: { agents: { support: agent } },
    mcp: { agents: { support: agent } },
    agUi: { agent },
    a2a: { agent, card: { name: 'Support', description: 'Answers.' } },
  });
  const base = await listenForTest(doors.handler);
  const post = (path: string, body: unknown, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      ...init,
      headers: { ...HEADERS, ...(init.headers as Record<string, string> | undefined) },
      body: JSON.stringify(body),
    });
  /** Resolves once the model call made after `before` calls is aborted and its body cancelled. */
  const modelCallStopped = async (before: number) => {
    await until(() => model.calls.length > before);
    const call = model.calls[before] as ModelCall;
    expect(call.signal?.aborted).toBe(false);
    return () => until(() => call.signal?.aborted === true && call.cancelled);
  };
  return { post, model, errors, modelCallStopped, close: () => doors.close() };
}

const ASK = [{ role: 'user', content: 'Hi' }];

describe('a client gone while the model answers: the model call is stopped too', () => {
  it.each([
    [
      'chat completions, streamed',
      '/v1/chat/completions',
      { model: 'support', messages: ASK, stream: true },
    ],
    ['chat completions, unary', '/v1/chat/completions', { model: 'support', messages: ASK }],
    ['responses, streamed', '/v1/responses', { model: 'support', input: 'Hi', stream: true }],
    ['responses, unary', '/v1/responses', { model: 'support', input: 'Hi' }],
    [
      'AG-UI',
      '/ag-ui',
      {
        threadId: 't1',
        runId: 'r1',
        messages: [{ id: 'm1', role: 'user', content: 'Hi' }],
        tools: [],
        context: [],
        state: {},
        forwardedProps: {},
      },
    ],
  ])('%s', async (_name, path, body) => {
    const { post, modelCallStopped, errors } = await serve();
    const client = new AbortController();
    const reading = post(path, body, { signal: client.signal })
      .then((response) => response.text())
      .catch(() => undefined);
    const stopped = await modelCallStopped(0);
    client.abort();
    await reading;
    await stopped();
    // The caller's own doing: nothing for the server's log.
    expect(errors).toEqual([]);
  });

  it('MCP: the POST of an ask_<agent> call closed, and a notifications/cancelled', async () => {
    const { post, modelCallStopped, errors } = await serve();
    const opened = await post('/mcp', INITIALIZE);
    await opened.text();
    const session = {
      'mcp-session-id': opened.headers.get('mcp-session-id') ?? '',
      'mcp-protocol-version': '2025-06-18',
    };
    await (
      await post(
        '/mcp',
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { headers: session },
      )
    ).text();
    const ask = (id: number) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'ask_support', arguments: { message: 'Hi' } },
    });
    const client = new AbortController();
    const closed = post('/mcp', ask(1), { headers: session, signal: client.signal })
      .then((response) => response.text())
      .catch(() => undefined);
    const firstStopped = await modelCallStopped(0);
    client.abort();
    await closed;
    await firstStopped();
    const cancelled = post('/mcp', ask(2), { headers: session }).then((response) =>
      response.text(),
    );
    const secondStopped = await modelCallStopped(1);
    const notice = await post(
      '/mcp',
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2 } },
      { headers: session },
    );
    expect(notice.status).toBe(202);
    await secondStopped();
    void cancelled.catch(() => undefined);
    expect(errors).toEqual([]);
  });

  it('A2A: tasks/cancel of the streaming task', async () => {
    const { post, modelCallStopped, errors } = await serve();
    const response = await post('/a2a', {
      jsonrpc: '2.0',
      id: 1,
      method: 'message/stream',
      params: {
        message: {
          kind: 'message',
          messageId: 'm1',
          role: 'user',
          parts: [{ kind: 'text', text: 'Hi' }],
        },
      },
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    let taskId: string | undefined;
    while (taskId === undefined) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`The stream ended before its task: ${text}`);
      text += new TextDecoder().decode(value);
      taskId = /"kind":"task","id":"([0-9a-f-]{36})"/.exec(text)?.[1];
    }
    const stopped = await modelCallStopped(0);
    const cancel = await post('/a2a', {
      jsonrpc: '2.0',
      id: 2,
      method: 'tasks/cancel',
      params: { id: taskId },
    });
    expect(await cancel.json()).toMatchObject({ id: 2, result: { status: { state: 'canceled' } } });
    await stopped();
    await reader.cancel();
    expect(errors).toEqual([]);
  });
});
