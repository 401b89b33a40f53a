import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { INITIALIZE } from '../mcp/__fixtures__/raw-mcp-session.ts';
import { DOOR_KEYS, RUN_INPUT } from './__fixtures__/serve-all-doors.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';
import { createDoorHistoryStore } from './create-door-history-store.ts';
import { mountDoors } from './mount-doors.ts';

// leftovers51 bounded one thread at 4 MiB, so the doors' default stores held up to threads x
// 4 MiB, 4 GiB at the default 1000 threads. The door store now holds every thread together
// within `maxTotalBytes` (256 MiB by default), evicting whole threads, the least recently used of
// the owner holding the most. Here the bound is 40 KB and each answer 15 KB, so a third
// conversation evicts the first; what each door answers when the first is continued is the test:
// its protocol's error shape (OpenAI 404, MCP InvalidParams, A2A a rejected task) naming why, or
// for AG-UI, whose run input is the whole conversation, the conversation stored anew from it.
// Never another conversation's turns.

const FILL = 'p'.repeat(15_000);

async function serve() {
  let answered = 0;
  const fake = createFakeGemini({
    script: () => {
      answered += 1;
      return turn.text(`answer-${answered} ${FILL}`);
    },
  });
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const store = createDoorHistoryStore({ maxThreadBytes: 20_000, maxTotalBytes: 40_000 });
  const doors = mountDoors({
    authorize: (request) => ownerOfBearer(DOOR_KEYS, request),
    rateLimit: false,
    openai: { agents: { support: agent }, store },
    mcp: { agents: { support: agent }, store },
    agUi: { agent, store },
    a2a: { agent, card: { name: 'Support', description: 'Answers.' }, store },
  });
  onTestFinished(() => doors.close());
  const base = await listenForTest(doors.handler);
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${DOOR_KEYS.alice}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  };
  /** The contents of the model's last request, as JSON text. */
  const lastRequest = () => JSON.stringify(fake.requests.at(-1)?.body ?? {});
  return { post, lastRequest, fake, store };
}

describe('a conversation evicted by the door store’s maxTotalBytes', () => {
  it('OpenAI Responses: 404 previous_response_not_found saying why, once; a new conversation answers', async () => {
    const { post, lastRequest, store } = await serve();
    const ask = async (input: string, previous?: string) =>
      post('/v1/responses', {
        model: 'support',
        input,
        ...(previous === undefined ? {} : { previous_response_id: previous }),
      });
    const idOf = (text: string) => (JSON.parse(text) as { id: string }).id;
    const first = idOf((await ask('question one')).text);
    await ask('question two');
    await ask('question three');
    expect(store.ids()).toHaveLength(2);
    const continued = await ask('question one, again', first);
    expect(continued.status).toBe(404);
    const body = JSON.parse(continued.text) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'previous_response_not_found',
      param: 'previous_response_id',
    });
    expect(body.error['message']).toMatch(/dropped to keep the server's memory bounded/);
    expect(continued.text).not.toContain('answer-');
    // Told once: the response is forgotten now, as any unknown one.
    const again = await ask('once more', first);
    expect(again.status).toBe(404);
    expect(again.text).toContain('No previous response');
    const fresh = await ask('a new start');
    expect(fresh.status).toBe(200);
    expect(lastRequest()).not.toContain('answer-');
  });

  it('OpenAI conversation: 404 conversation_not_found, then the same id starts anew', async () => {
    const { post, lastRequest } = await serve();
    const ask = (input: string, conversation?: string) =>
      post('/v1/responses', {
        model: 'support',
        input,
        ...(conversation === undefined ? {} : { conversation }),
      });
    await ask('question one', 'conv_first');
    await ask('question two', 'conv_second');
    await ask('question three', 'conv_third');
    const continued = await ask('again', 'conv_first');
    expect(continued.status).toBe(404);
    expect(JSON.parse(continued.text)).toMatchObject({
      error: { code: 'conversation_not_found', param: 'conversation' },
    });
    expect(continued.text).not.toContain('answer-');
    const anew = await ask('again', 'conv_first');
    expect(anew.status).toBe(200);
    expect(lastRequest()).not.toContain('answer-');
  });

  it('MCP: InvalidParams saying why, then the same sessionId starts anew', async () => {
    const { post, lastRequest } = await serve();
    const opened = await post('/mcp', INITIALIZE);
    const session = {
      'mcp-session-id': opened.headers.get('mcp-session-id') ?? '',
      'mcp-protocol-version': '2025-06-18',
    };
    await post('/mcp', { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
    let id = 0;
    const ask = (message: string, sessionId: string) =>
      post(
        '/mcp',
        {
          jsonrpc: '2.0',
          id: ++id,
          method: 'tools/call',
          params: { name: 'ask_support', arguments: { message, sessionId } },
        },
        session,
      );
    for (const name of ['first', 'second', 'third']) await ask(`question ${name}`, name);
    const continued = await ask('again', 'first');
    expect(continued.text).toContain('"code":-32602');
    expect(continued.text).toContain("history was dropped to keep the server's memory bounded");
    expect(continued.text).not.toContain('answer-');
    const anew = await ask('again', 'first');
    expect(anew.text).toContain('answer-4');
    expect(lastRequest()).not.toContain('answer-');
  });

  it('A2A: the task is rejected saying why, then the same contextId starts anew', async () => {
    const { post, lastRequest } = await serve();
    let id = 0;
    const ask = (text: string, contextId: string) =>
      post('/a2a', {
        jsonrpc: '2.0',
        id: ++id,
        method: 'message/send',
        params: {
          message: {
            kind: 'message',
            messageId: `m${id}`,
            contextId,
            role: 'user',
            parts: [{ kind: 'text', text }],
          },
        },
      });
    for (const name of ['first', 'second', 'third']) await ask(`question ${name}`, name);
    const continued = await ask('again', 'first');
    expect(continued.text).toContain('"state":"rejected"');
    expect(continued.text).toContain("history was dropped to keep the server's memory bounded");
    expect(continued.text).not.toContain('answer-');
    const anew = await ask('again', 'first');
    expect(anew.text).toContain('"state":"completed"');
    expect(lastRequest()).not.toContain('answer-');
  });

  it('AG-UI: the run input’s conversation is stored anew; no other thread’s turns', async () => {
    const { post, lastRequest, fake } = await serve();
    const run = (threadId: string, messages: { id: string; role: string; content: string }[]) =>
      post('/ag-ui', { ...RUN_INPUT, threadId, runId: `r${fake.requests.length}`, messages });
    const first = [{ id: 'u1', role: 'user', content: 'question first' }];
    const answered = await run('first', first);
    expect(answered.text).toContain('answer-1');
    await run('second', [{ id: 'u2', role: 'user', content: 'question second' }]);
    await run('third', [{ id: 'u3', role: 'user', content: 'question third' }]);
    const continued = await run('first', [
      ...first,
      { id: 'a1', role: 'assistant', content: 'what the client kept of answer one' },
      { id: 'u4', role: 'user', content: 'question first, again' },
    ]);
    expect(continued.status).toBe(200);
    expect(continued.text).toContain('answer-4');
    const sent = lastRequest();
    // Before: the thread read as continued, the model got only the new message.
    expect(sent).toContain('question first"');
    expect(sent).toContain('what the client kept of answer one');
    expect(sent).not.toContain('answer-');
  });
});
