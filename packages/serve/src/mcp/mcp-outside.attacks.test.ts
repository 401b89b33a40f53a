import { defineTool } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { waitTool } from '../__fixtures__/order-fixtures.ts';
import { INITIALIZE } from './__fixtures__/raw-mcp-session.ts';
import { serveMcp, TOKENS } from './__fixtures__/serve-mcp.ts';

// The MCP door tried from outside as a hostile client would, over raw Streamable HTTP (JSON-RPC
// posts within an MCP session the client opened itself) on 127.0.0.1: batches, hostile tool
// arguments, a tool whose error quotes a secret, unknown methods. Nothing forbidden reaches the
// client (secrets, thrown messages, stack frames, internal addresses), and what a client may
// spend is what the door's limits say.

const SECRET = 'postgres://admin:hunter2@10.0.0.5/orders';

/** An MCP session opened over raw HTTP: `post` sends JSON-RPC in it, answers read from SSE or JSON. */
async function rawSession(url: URL, owner: keyof typeof TOKENS = 'alice') {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${TOKENS[owner]}`,
  };
  const opened = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify(INITIALIZE),
  });
  await opened.text();
  const sessionId = opened.headers.get('mcp-session-id');
  expect(sessionId).toBeTruthy();
  Object.assign(headers, { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
  const post = async (body: unknown) => {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const messages = text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
    if (messages.length === 0 && text.trim().startsWith('{')) messages.push(JSON.parse(text));
    if (messages.length === 0 && text.trim().startsWith('[')) messages.push(...JSON.parse(text));
    return { status: response.status, text, messages };
  };
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { post, sessionId: sessionId as string };
}

const call = (id: number, name: string, args: unknown) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

/** What no answer may hold: secrets, stack frames, internal addresses, Node's own error words. */
function expectNothingForbidden(text: string): void {
  expect(text).not.toContain('hunter2');
  expect(text).not.toContain('gemini-secret-key');
  expect(text).not.toContain(TOKENS.alice);
  expect(text).not.toMatch(/\n\s+at |\\n\s+at /);
  expect(text).not.toMatch(/10\.0\.0\.5|node:internal|\/work\//);
  expect(text).not.toMatch(/TypeError|RangeError|Cannot read properties/);
}

describe('the MCP door under an outside attack', () => {
  it('a batch of tools/call counts each call against the rate limit, not the POST once', async () => {
    let time = 1_000_000;
    const { url, fake } = await serveMcp(
      Array.from({ length: 100 }, () => turn.text('ok')),
      { door: { rateLimit: { requests: 10, windowMs: 60_000 }, now: () => time } },
    );
    const { post } = await rawSession(url); // 2 requests of the 10
    const batch = Array.from({ length: 50 }, (_, index) =>
      call(index + 1, 'ask_support', { message: `hi ${index}` }),
    );
    const answered = await post(batch);
    expect(answered.status).toBe(429);
    expectNothingForbidden(answered.text);
    // Not one run was started for a refused batch.
    expect(fake.requests).toHaveLength(0);
    // In the next window a batch within the limit goes through, each call run once.
    time += 60_000;
    const small = await post([
      call(1, 'ask_support', { message: 'a' }),
      call(2, 'ask_support', { message: 'b' }),
    ]);
    expect(small.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
  });

  it('hostile arguments (prototype keys, 100,000-deep nesting, junk types) are refused or held, the tool never sees a polluted object', async () => {
    const seen: unknown[] = [];
    const echo = defineTool({
      name: 'echo',
      description: 'Echoes a note.',
      parameters: z.object({ note: z.string(), extra: z.unknown().optional() }),
      execute: (args) => {
        seen.push(args);
        return args;
      },
    });
    const { url, fake, errors } = await serveMcp([turn.text('ok')], {
      door: { exposeTools: [echo] },
    });
    const { post } = await rawSession(url);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const bodies = [
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"note":"a","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}}',
      `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"note":"b","extra":${deep}}}}`,
      `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"ask_support","arguments":{"message":${deep}}}}`,
      `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":${deep},"arguments":{}}}`,
      '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"__proto__","arguments":{}}}',
      '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"ask___proto__","arguments":{"message":"x"}}}',
      '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":["note"]}}',
      '{"jsonrpc":"2.0","id":8,"method":"__proto__"}',
      '{"jsonrpc":"2.0","id":9,"method":"constructor"}',
      '{"jsonrpc":"2.0","id":10,"method":"resources/read","params":{"uri":"file:///etc/passwd"}}',
      '{"jsonrpc":"2.0","id":11,"method":"sampling/createMessage","params":{}}',
      '{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"ask_support","arguments":{"message":"x","sessionId":"../../etc"}}}',
    ];
    const answers: string[] = [];
    for (const body of bodies) {
      const { status, text } = await post(body);
      expect(status, body.slice(0, 120)).toBeLessThan(500);
      expectNothingForbidden(text);
      answers.push(text);
    }
    // The deep value is refused before the tool sees it, saying what was wrong.
    expect(answers[1]).toContain('Invalid arguments for echo: they nest deeper than 64 levels.');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // The tool ran for the calls whose note was a string; nothing it got is polluted.
    expect(seen.length).toBeGreaterThan(0);
    for (const args of seen) {
      expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
      expect((args as Record<string, unknown>)['polluted']).toBeUndefined();
      // The schema's keys only: a prototype key the caller sent is not the tool's to see.
      expect(Object.keys(args as object).every((key) => key === 'note' || key === 'extra')).toBe(
        true,
      );
    }
    expect(fake.requests).toHaveLength(0);
    // The session still answers.
    const { messages } = await post(call(20, 'echo', { note: 'still here' }));
    expect(JSON.stringify(messages)).toContain('still here');
    expect(errors).toEqual([]);
  });

  it("bad arguments' paths are bounded in the answer: a 200,000-character record key, 50,000 wrong items", async () => {
    const tally = defineTool({
      name: 'tally',
      description: 'Adds counts by name.',
      parameters: z.object({
        counts: z.record(z.string(), z.number()),
        items: z.array(z.number()),
      }),
      execute: () => 'never',
    });
    const { url } = await serveMcp([turn.text('ok')], { door: { exposeTools: [tally] } });
    const { post } = await rawSession(url);
    const key = 'k'.repeat(200_000);
    const { text, messages } = await post(
      call(1, 'tally', { counts: { [key]: 'one' }, items: new Array(50_000).fill('x') }),
    );
    expectNothingForbidden(text);
    const error = messages[0]?.['error'] as { message: string } | undefined;
    // The paths only (a value is never echoed), each key cut, at most ten: the caller learns
    // where its arguments were wrong, not 200 KB of its own key back (leftovers of attack68b).
    expect(error?.message).toMatch(/Invalid arguments for tally at: counts\.k+/);
    expect(error?.message.length).toBeLessThan(2_000);
  });

  it('an exposed tool that throws (a secret in its message, a cause, a hostile proxy) answers fixed words', async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error(`trap ${SECRET}`);
        },
        getPrototypeOf() {
          throw new Error(`trap ${SECRET}`);
        },
      },
    );
    const throwing = (name: string, thrown: () => unknown) =>
      defineTool({
        name,
        description: 'Fails.',
        parameters: z.object({}),
        execute: () => {
          throw thrown();
        },
      });
    const tools = [
      throwing('plain', () => new Error(`connect ${SECRET} failed`)),
      throwing('caused', () => new Error('outer', { cause: new Error(SECRET) })),
      throwing('proxy', () => hostile),
      throwing('string', () => SECRET),
      defineTool({
        name: 'bad_result',
        description: 'A result whose toJSON throws.',
        parameters: z.object({}),
        execute: () => ({
          toJSON() {
            throw new Error(SECRET);
          },
        }),
      }),
    ];
    const { url, errors } = await serveMcp([], { door: { exposeTools: tools } });
    const { post } = await rawSession(url);
    for (const [index, tool] of tools.entries()) {
      const { status, text, messages } = await post(call(index + 1, tool.name, {}));
      expect(status).toBe(200);
      expectNothingForbidden(text);
      expect(messages[0]).toMatchObject({
        result: { isError: true, content: [{ type: 'text', text: `${tool.name} failed.` }] },
      });
    }
    expect(errors).toHaveLength(tools.length);
  });

  it("a caller who opens sessions past the bound closes their own oldest, never another caller's", async () => {
    const { url } = await serveMcp([], { door: { maxConnections: 3 } });
    const bob = await rawSession(url, 'bob');
    const alice = [];
    for (let index = 0; index < 5; index += 1) alice.push(await rawSession(url, 'alice'));
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    expect((await bob.post(list)).status).toBe(200);
    // Alice's newest two stand (with Bob's, three); her three oldest were closed.
    const statuses = await Promise.all(
      alice.map(async (session) => (await session.post(list)).status),
    );
    expect(statuses).toEqual([404, 404, 404, 200, 200]);
  });

  it("a caller who makes up chat session ids forgets their own oldest chats, never another caller's turns", async () => {
    const { url, fake } = await serveMcp(
      Array.from({ length: 10 }, (_, index) => turn.text(`answer ${index}`)),
      { door: { maxSessions: 2 } },
    );
    const bob = await rawSession(url, 'bob');
    const alice = await rawSession(url, 'alice');
    const ask = (session: typeof bob, id: number, message: string, sessionId: string) =>
      session.post(call(id, 'ask_support', { message, sessionId }));
    await ask(bob, 1, 'bob remembers this', 'bob-chat');
    for (let index = 0; index < 4; index += 1) {
      await ask(alice, index + 2, `alice ${index}`, `alice-${index}`);
    }
    await ask(bob, 10, 'and now?', 'bob-chat');
    // Bob's chat kept its turns: his first message is in the history the model gets.
    expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain('bob remembers this');
  });

  it("bob's GET and DELETE with alice's Mcp-Session-Id are an unknown session's 404; her session goes on", async () => {
    // attack-doors5: the owner check before the method (a DELETE would close her session).
    const { url } = await serveMcp([turn.text('still here')]);
    const alice = await rawSession(url, 'alice');
    for (const method of ['GET', 'DELETE']) {
      const asBob = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${TOKENS.bob}`,
          accept: 'text/event-stream',
          'mcp-session-id': alice.sessionId,
          'mcp-protocol-version': '2025-06-18',
        },
      });
      expect(asBob.status, method).toBe(404);
      expect(await asBob.json()).toMatchObject({ error: { message: 'Session not found' } });
    }
    const answer = await alice.post(call(1, 'ask_support', { message: 'Hi' }));
    expect(answer.messages[0]).toMatchObject({
      id: 1,
      result: { content: [{ text: 'still here' }] },
    });
  });

  it('a tools/call sent as a notification (no id) starts no run; an object id or progress token is refused', async () => {
    // attack-doors5: a call nobody can cancel or read the answer of must not spend a model call.
    const { url, fake, errors } = await serveMcp([turn.text('never')]);
    const session = await rawSession(url);
    const notice = await session.post({
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { name: 'ask_support', arguments: { message: 'as a notification' } },
    });
    expect(notice.status).toBe(202);
    const objectId = await session.post({ ...call(0, 'ask_support', { message: 'x' }), id: {} });
    const objectToken = await session.post({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: {
        name: 'ask_support',
        arguments: { message: 'x' },
        _meta: { progressToken: { toString: 'x' } },
      },
    });
    // The object id is no valid Request (-32600, the door's: doors45); the object token is
    // invalid params (-32602, answered with its id since leftovers70: the SDK said -32700).
    expect(objectToken.messages[0]).toMatchObject({ id: 2 });
    for (const [refused, code] of [
      [objectId, -32600],
      [objectToken, -32602],
    ] as const) {
      expect(refused.status).toBe(400);
      expect(refused.messages[0]).toMatchObject({ error: { code } });
      expectNothingForbidden(refused.text);
    }
    // A whole run after the notice: the model was asked once, by it, never by the notice.
    const real = await session.post(call(3, 'ask_support', { message: 'the real one' }));
    expect(real.messages[0]).toMatchObject({ id: 3, result: { content: [{ text: 'never' }] } });
    expect(fake.requests).toHaveLength(1);
    expect(JSON.stringify(fake.requests[0]?.body)).not.toContain('as a notification');
    expect(errors).toEqual([]);
  });
});

// attack-doors6: sizes and names a client picks: a 10,000-message batch, a flood of notices, a
// 10 KB id, resource and prompt names that are paths, a closed session's id, GET streams
// reopened, a Last-Event-ID of another session.
describe('the MCP door under an outside attack, sixth pass', () => {
  it('a batch of 10,000 pings is refused whole (429: each request counts); a POST of 10,000 notices starts nothing', async () => {
    const { url, fake, errors } = await serveMcp([turn.text('never')]);
    const session = await rawSession(url);
    const pings = Array.from({ length: 10_000 }, (_, id) => ({
      jsonrpc: '2.0',
      id,
      method: 'ping',
    }));
    const batch = await session.post(pings);
    expect(batch.status).toBe(429);
    expect(batch.messages).toEqual([
      expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32000 }) }),
    ]);
    // Without a rate limit: the SDK refuses a batch past 100 messages, notices or requests.
    const open = await serveMcp([turn.text('fine')], { door: { rateLimit: false } });
    const other = await rawSession(open.url);
    const notice = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } };
    for (const refused of [
      await other.post(Array.from({ length: 10_000 }, () => notice)),
      await other.post(pings),
    ]) {
      expect(refused.status).toBe(400);
      expect(refused.messages).toEqual([
        expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32600 }) }),
      ]);
      expectNothingForbidden(refused.text);
    }
    const hundred = await other.post(Array.from({ length: 100 }, () => notice));
    expect(hundred.status).toBe(202);
    expect(hundred.messages).toEqual([]);
    const ping = await other.post({ jsonrpc: '2.0', id: 'after', method: 'ping' });
    expect(ping.messages[0]).toMatchObject({ id: 'after', result: {} });
    expect(fake.requests).toHaveLength(0);
    expect(open.fake.requests).toHaveLength(0);
    expect([...errors, ...open.errors]).toEqual([]);
  });

  it('a 10 KB string id is echoed as JSON-RPC requires and nothing else grows; resources and prompts named by paths read nothing', async () => {
    const { url, fake } = await serveMcp([turn.text('never')]);
    const session = await rawSession(url);
    const id = 'i'.repeat(10_000);
    const ping = await session.post({ jsonrpc: '2.0', id, method: 'ping' });
    expect(ping.messages[0]).toMatchObject({ id, result: {} });
    for (const [method, params] of [
      ['resources/read', { uri: 'file:///etc/passwd' }],
      ['resources/read', { uri: '../../../../etc/passwd' }],
      ['resources/templates/list', {}],
      ['prompts/get', { name: '../../../../etc/passwd' }],
      ['prompts/get', { name: '__proto__' }],
      [
        'completion/complete',
        { ref: { type: 'ref/prompt', name: '/etc/passwd' }, argument: { name: 'a', value: 'b' } },
      ],
    ] as const) {
      const answer = await session.post({ jsonrpc: '2.0', id: 7, method, params });
      expect(answer.messages[0], method).toMatchObject({
        id: 7,
        error: { code: expect.any(Number) },
      });
      expect(answer.text).not.toMatch(/root:|daemon:/);
      expectNothingForbidden(answer.text);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('methods of capabilities the door does not declare (logging/setLevel, resources/list, prompts/list, subscribe, tasks) answer -32601, and the session goes on', async () => {
    // attack-doors11: the door declares tools only; a client that asks for logs at a level, lists
    // resources or prompts, subscribes or reads tasks gets JSON-RPC's "method not found" and
    // nothing runs (MCP 2025-06-18, "Lifecycle": a party uses only the capabilities negotiated).
    const { url, fake } = await serveMcp([turn.text('never')]);
    const session = await rawSession(url);
    for (const [method, params] of [
      ['logging/setLevel', { level: 'debug' }],
      ['logging/setLevel', { level: '__proto__' }],
      ['resources/list', {}],
      ['resources/subscribe', { uri: 'file:///etc/passwd' }],
      ['prompts/list', { cursor: 'x'.repeat(10_000) }],
      ['tasks/list', {}],
      ['tasks/get', { taskId: '../../etc/passwd' }],
      ['sampling/createMessage', { messages: [], maxTokens: 1 }],
    ] as const) {
      const answer = await session.post({ jsonrpc: '2.0', id: 9, method, params });
      expect(answer.messages[0], method).toMatchObject({ id: 9, error: { code: -32601 } });
      expectNothingForbidden(answer.text);
    }
    const ping = await session.post({ jsonrpc: '2.0', id: 10, method: 'ping' });
    expect(ping.messages[0]).toMatchObject({ id: 10, result: {} });
    expect(fake.requests).toHaveLength(0);
  });

  it("a closed session's id is a 404 on every method, for its owner too; a Last-Event-ID of it replays nothing in another session", async () => {
    const { url } = await serveMcp([turn.text('fine')]);
    const closed = await rawSession(url);
    const headers = (sessionId: string, extra: Record<string, string> = {}) => ({
      authorization: `Bearer ${TOKENS.alice}`,
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-06-18',
      ...extra,
    });
    const deleted = await fetch(url, { method: 'DELETE', headers: headers(closed.sessionId) });
    expect(deleted.status).toBe(200);
    await deleted.text();
    for (const method of ['GET', 'POST', 'DELETE']) {
      const again = await fetch(url, {
        method,
        headers: headers(closed.sessionId),
        ...(method === 'POST'
          ? { body: JSON.stringify(call(1, 'ask_support', { message: 'x' })) }
          : {}),
      });
      expect(again.status, method).toBe(404);
      expectNothingForbidden(await again.text());
    }
    // Another session's GET stream, asking to replay from an id of the closed one.
    const other = await rawSession(url);
    const controller = new AbortController();
    const stream = await fetch(url, {
      method: 'GET',
      headers: headers(other.sessionId, { 'last-event-id': `${closed.sessionId}_1` }),
      signal: controller.signal,
    });
    // The door keeps no event store: the id opens a fresh stream of this session, replaying nothing.
    expect(stream.status).toBe(200);
    controller.abort();
    await stream.body?.cancel().catch(() => {});
  });

  it('GET streams of one session: 50 at once hold one, and 300 opened and dropped in turn leave the session working', async () => {
    // No rate limit: the bound tried is the streams', not the requests'.
    const { url } = await serveMcp([turn.text('still here')], { door: { rateLimit: false } });
    const session = await rawSession(url);
    const open = () => {
      const controller = new AbortController();
      const response = fetch(url, {
        method: 'GET',
        headers: {
          authorization: `Bearer ${TOKENS.alice}`,
          accept: 'text/event-stream',
          'mcp-session-id': session.sessionId,
          'mcp-protocol-version': '2025-06-18',
        },
        signal: controller.signal,
      });
      return { controller, response };
    };
    const together = Array.from({ length: 50 }, open);
    const statuses = await Promise.all(
      together.map(async ({ response }) => (await response).status),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 200).every((status) => status === 409)).toBe(
      true,
    );
    for (const { controller } of together) controller.abort();
    for (let index = 0; index < 300; index++) {
      const { controller, response } = open();
      const status = (await response).status;
      controller.abort();
      // One at a time: the previous stream's close may not have reached the server yet.
      expect([200, 409]).toContain(status);
    }
    const answer = await session.post(call(9, 'ask_support', { message: 'Hi' }));
    expect(answer.messages[0]).toMatchObject({
      id: 9,
      result: { content: [{ text: 'still here' }] },
    });
  });
});

// doors-followup: DNS rebinding and cross-site pages. The MCP spec (2025-11-25, Transports,
// "Security Warning") says a Streamable HTTP server MUST validate `Origin`, and answer 403 when
// it is present and invalid; before this, only `authorize` stood in the way.
describe('the MCP door and a browser page of another origin', () => {
  const initialize = (origin: string | undefined) => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${TOKENS.alice}`,
      ...(origin === undefined ? {} : { origin }),
    },
    body: JSON.stringify(INITIALIZE),
  });

  it.each([
    'http://evil.example',
    'http://rebound.evil.example:8080',
    'null',
    'http://127.0.0.1:1',
    'not an origin',
  ])(
    'Origin %s: 403 in fixed words before authorize, no session, on POST, GET and DELETE',
    async (origin) => {
      let asked = 0;
      const { url, fake } = await serveMcp([turn.text('Never.')], {
        door: {
          authorize: (request) => {
            asked += 1;
            return request.headers.get('authorization') === `Bearer ${TOKENS.alice}`
              ? 'alice'
              : null;
          },
        },
      });
      const refused = await fetch(url, initialize(origin));
      expect(refused.status).toBe(403);
      expect(refused.headers.get('mcp-session-id')).toBeNull();
      const text = await refused.text();
      expect(JSON.parse(text)).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32000,
          message:
            'Forbidden: a page of this origin may not call the MCP door; its server lists the origins it allows (allowedOrigins).',
        },
      });
      expect(text).not.toContain('evil');
      for (const method of ['GET', 'DELETE']) {
        const response = await fetch(url, {
          method,
          headers: { origin, authorization: `Bearer ${TOKENS.alice}`, 'mcp-session-id': 'x' },
        });
        expect(response.status, method).toBe(403);
      }
      expect(asked).toBe(0);
      expect(fake.requests).toHaveLength(0);
    },
  );

  it('serves an origin listed in allowedOrigins (any spelling of it), and a request with no Origin', async () => {
    const { url } = await serveMcp([turn.text('Never.')], {
      door: { allowedOrigins: ['HTTPS://App.Example.com:443/ignored/path'] },
    });
    for (const origin of ['https://app.example.com', undefined]) {
      const opened = await fetch(url, initialize(origin));
      await opened.text();
      expect(opened.status, String(origin)).toBe(200);
      expect(opened.headers.get('mcp-session-id')).toBeTruthy();
    }
    const other = await fetch(url, initialize('https://app.example.com:8443'));
    expect(other.status).toBe(403);
  });

  it('refuses allowedOrigins that are not http(s) origins', async () => {
    for (const allowedOrigins of ['https://a.example', ['null'], ['file:///x'], [7]]) {
      await expect(
        serveMcp([], { door: { allowedOrigins: allowedOrigins as never } }),
      ).rejects.toThrow(/allowedOrigins/);
    }
  });
});

// attack-doors8: a client that sends 200 tools/call at once on one session, each its own POST
// (not a batch, which is counted per request since attack-doors6). Ten times the rate limit: the
// helper's 1,000 took ~33 s of the suite's wall at load 30 and proved nothing 200 does not.
describe('the MCP door under an outside attack, eighth pass', () => {
  it('200 tools/call POSTs at once on one session: the rate limit holds, the rest are 429, nothing leaks', async () => {
    const script = Array.from({ length: 40 }, () => turn.text('ok'));
    const { url, fake, errors } = await serveMcp(script, {
      door: { rateLimit: { requests: 20, windowMs: 60_000 } },
    });
    const session = await rawSession(url);
    const settled = await Promise.allSettled(
      Array.from({ length: 200 }, (_, index) =>
        session.post(call(index + 1, 'ask_support', { message: `hi ${index}` })),
      ),
    );
    const byStatus = new Map<number | string, number>();
    for (const each of settled) {
      // A 429 is answered before its body is read, on a connection then closed: a client whose
      // body bytes arrive after the close may read a reset instead of the 429 (left open, see
      // bench/RESULTS.md, attack-doors8). Nothing else may fail.
      const key =
        each.status === 'fulfilled'
          ? each.value.status
          : String((each.reason as { cause?: { code?: string } }).cause?.code);
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
      if (each.status === 'fulfilled') expectNothingForbidden(each.value.text);
    }
    // The session's initialize and its notice took two of the 20.
    expect(byStatus.get(200)).toBe(18);
    expect([...byStatus.keys()].sort()).toEqual(
      [...new Set([200, 429, ...(byStatus.has('ECONNRESET') ? ['ECONNRESET'] : [])])].sort(),
    );
    expect(fake.requests).toHaveLength(18);
    expect(errors).toEqual([]);
  });
});

// attack-doors10: what a client puts in the protocol's own fields: a progress token the door
// sends back with every progress note, a protocol version nobody knows, a cancel of a request of
// another session, ids JSON-RPC and MCP do not allow.
describe('the MCP door under an outside attack, tenth pass', () => {
  /** A lookup tool the model calls `calls` times at once, then answers. */
  function manyCalls(calls: number) {
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks up.',
      parameters: z.object({ n: z.number() }),
      execute: ({ n }) => `found ${n}`,
    });
    const script = [
      turn.calls(Array.from({ length: calls }, (_, n) => ({ name: 'lookup', args: { n } }))),
      turn.text('done'),
    ];
    return { script, tools: [lookup] };
  }

  it('a progress token of 512 KB is refused before the run, naming the field; one of 1,024 characters gets its notes', async () => {
    // Each note carries the token back: two steps and 20 calls made 42 notes, 22 MB for a 512 KB
    // request, before the bound.
    const { script, tools } = manyCalls(20);
    const { url, fake, errors } = await serveMcp(script, { agent: { tools } });
    const session = await rawSession(url);
    const ask = (id: number, progressToken: string) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: {
        name: 'ask_support',
        arguments: { message: 'look up twenty things' },
        _meta: { progressToken },
      },
    });
    const huge = await session.post(ask(1, 't'.repeat(512 * 1024)));
    expect(huge.text.length).toBeLessThan(1000);
    expect(huge.messages).toEqual([
      expect.objectContaining({
        id: 1,
        error: expect.objectContaining({
          code: -32602,
          message: expect.stringContaining('_meta.progressToken'),
        }),
      }),
    ]);
    expect(fake.requests).toHaveLength(0);
    const longest = 'p'.repeat(1024);
    const answered = await session.post(ask(2, longest));
    const notes = answered.messages.filter((each) => each['method'] === 'notifications/progress');
    expect(notes).toHaveLength(42);
    expect(notes[0]).toMatchObject({ params: { progressToken: longest, progress: 1 } });
    expect(answered.messages.at(-1)).toMatchObject({
      id: 2,
      result: { content: [{ text: 'done' }] },
    });
    expectNothingForbidden(answered.text);
    expect(errors).toEqual([]);
  });

  it("alice's notifications/cancelled naming bob's request id leaves his run going; his own cancel ends it", async () => {
    const waiting = waitTool();
    const { url, errors } = await serveMcp([turn.call('wait_for_it', {}), turn.text('never')], {
      agent: { tools: [waiting.tool] },
    });
    const alice = await rawSession(url, 'alice');
    const bob = await rawSession(url, 'bob');
    let aborted = false;
    void waiting.aborted.then(() => {
      aborted = true;
    });
    // Bob's call stays open (its answer comes when the run ends): not awaited.
    void bob.post(call(7, 'ask_support', { message: 'wait' })).catch(() => undefined);
    await waiting.started;
    const cancel = (requestId: unknown) => ({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId, reason: 'stop' },
    });
    for (const requestId of [7, '7', 7.0]) {
      expect((await alice.post(cancel(requestId))).status).toBe(202);
    }
    // Alice's session answers after her cancels were handled: his run is still waiting.
    expect((await alice.post({ jsonrpc: '2.0', id: 1, method: 'ping' })).messages[0]).toMatchObject(
      {
        id: 1,
        result: {},
      },
    );
    expect(aborted).toBe(false);
    expect((await bob.post(cancel(7))).status).toBe(202);
    await waiting.aborted;
    expect(errors).toEqual([]);
  });

  it('a protocol version nobody knows: initialize answers one the door speaks; a request naming it is 400', async () => {
    const { url, fake } = await serveMcp([turn.text('never')]);
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${TOKENS.alice}`,
    };
    const opened = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: '2099-01-01',
          capabilities: {},
          clientInfo: { name: 'future', version: '1' },
        },
      }),
    });
    const text = await opened.text();
    // MCP "Version negotiation": the server answers another version it supports.
    const version = /"protocolVersion":"([^"]+)"/.exec(text)?.[1];
    expect(version).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(version).not.toBe('2099-01-01');
    const sessionId = opened.headers.get('mcp-session-id') as string;
    const refused = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2099-01-01' },
      body: JSON.stringify(call(1, 'ask_support', { message: 'hello from the future' })),
    });
    const refusal = await refused.text();
    expect(refused.status).toBe(400);
    expectNothingForbidden(refusal);
    expect(fake.requests).toHaveLength(0);
  });

  it('ids MCP does not allow (null, a fraction, true) start no run and answer 4xx JSON-RPC errors (MCP: a string or an integer)', async () => {
    const { url, fake, errors } = await serveMcp([turn.text('answered')]);
    const session = await rawSession(url);
    const answers = [];
    for (const id of [null, 1.5, true, [1]]) {
      answers.push(await session.post({ ...call(0, 'ask_support', { message: 'x' }), id }));
    }
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expectNothingForbidden(answer.text);
    }
    expect(fake.requests).toHaveLength(0);
    expect(errors).toEqual([]);
  });
});

// doors-bounds41: the progress notes name each call's tool; a tool the model made up with a 2 MB
// name was a 2 MB note to the client (twice: the call and its end). A declared name is at most 128
// characters; a longer one is cut with a note, as a page is shown it. The key is out first.
describe('the MCP door and an undeclared tool’s 2 MB name', () => {
  it('the progress notes stay small and keyless; the run answers', async () => {
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks up.',
      parameters: z.object({}),
      execute: () => 'found',
    });
    const name = `${'k'.repeat(110)}gemini-secret-key${'n'.repeat(2_000_000)}`;
    const id = `${'i'.repeat(200)}gemini-secret-key${'d'.repeat(2_000_000)}`;
    const { url, errors } = await serveMcp(
      [turn.parts([{ functionCall: { id, name, args: {} } }]), turn.text('done')],
      { agent: { tools: [lookup] } },
    );
    const session = await rawSession(url);
    const answered = await session.post({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name: 'ask_support',
        arguments: { message: 'call something' },
        _meta: { progressToken: 'p' },
      },
    });
    const notes = answered.messages.filter((each) => each['method'] === 'notifications/progress');
    const words = notes.map((note) => (note['params'] as { message: string }).message);
    expect(words.some((word) => word.startsWith('calling ') && word.includes('omitted'))).toBe(
      true,
    );
    for (const note of notes) expect(JSON.stringify(note).length).toBeLessThan(1_000);
    expect(answered.messages.at(-1)).toMatchObject({
      id: 1,
      result: { content: [{ text: 'done' }] },
    });
    expect(answered.text.length).toBeLessThan(10_000);
    expectNothingForbidden(answered.text);
    expect(errors).toEqual([]);
  });
});
