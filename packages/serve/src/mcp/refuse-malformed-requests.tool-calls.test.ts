import { describe, expect, it } from 'vitest';
import { counted } from './__fixtures__/counted-tool.ts';
import { connectRaw, openRawSession } from './__fixtures__/raw-mcp-session.ts';
import { serveMcp } from './__fixtures__/serve-mcp.ts';

// A `tools/call` whose params are not `{ name: string, arguments?: object }` (MCP 2025-06-18,
// Server, Tools) is JSON-RPC's -32602 "Invalid params". SDK 1.32 answered -32603 "Internal
// error" with its zod issue list as the message (typescript-sdk#2284), and a call whose params
// were no object got no answer at all over a connected transport.

const call = (id: number, params: unknown) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params,
});

const BAD_ARGUMENTS: [string, unknown][] = [
  ['a string', 'hi'],
  ['an array', [1]],
  ['a number', 3],
  ['null', null],
  ['a boolean', true],
];

/** What the SDK's raw zod issues carried: none of it may reach the answer. */
function expectNoSdkInternals(text: string): void {
  for (const word of ['invalid_type', 'expected', 'record', '"path"', 'zod']) {
    expect(text).not.toContain(word);
  }
}

describe('MCP door: a tools/call whose arguments are no object', () => {
  it.each(BAD_ARGUMENTS)(
    'over HTTP, arguments %s: -32602 in fixed words, nothing run',
    async (kind, value) => {
      const { tool, state } = counted();
      const { url, errors } = await serveMcp([], { door: { exposeTools: [tool] } });
      const post = await openRawSession(url);
      const answered = await post(call(4, { name: 'count', arguments: value }));
      expect(answered.status).toBe(200);
      expect(answered.messages).toEqual([
        {
          jsonrpc: '2.0',
          id: 4,
          error: {
            code: -32602,
            message: `Invalid params: tools/call's params.arguments must be an object of the tool's arguments by name (or left out), not ${kind}.`,
          },
        },
      ]);
      expectNoSdkInternals(answered.text);
      expect(state.runs).toBe(0);
      // The session is whole, and the same id is free again.
      const next = await post(call(4, { name: 'count', arguments: {} }));
      expect(next.text).toContain('counted');
      expect(state.runs).toBe(1);
      expect(errors).toEqual([]);
    },
  );

  it('over HTTP, a batch: the bad call is -32602, the good one beside it runs and is answered', async () => {
    const { tool, state } = counted();
    const { url } = await serveMcp([], { door: { exposeTools: [tool] } });
    const post = await openRawSession(url);
    const answered = await post([
      call(1, { name: 'count', arguments: 'hi' }),
      call(2, { name: 'count', arguments: {} }),
    ]);
    expect(answered.status).toBe(200);
    const byId = new Map(answered.messages.map((message) => [message['id'], message]));
    expect(byId.get(1)).toMatchObject({ error: { code: -32602 } });
    expect(JSON.stringify(byId.get(2))).toContain('counted');
    expectNoSdkInternals(answered.text);
    expect(state.runs).toBe(1);
  });

  it('over HTTP, params that are no object: -32602 with its id (the SDK said -32700 for the body), a batch refused whole', async () => {
    const { tool, state } = counted();
    const { url, errors } = await serveMcp([], { door: { exposeTools: [tool] } });
    const post = await openRawSession(url);
    for (const [params, kind] of [
      ['hi', 'a string'],
      [[], 'an array'],
      [7, 'a number'],
    ] as const) {
      const answered = await post(call(3, params));
      expect(answered.status).toBe(400);
      expect(JSON.parse(answered.text)).toEqual({
        jsonrpc: '2.0',
        id: 3,
        error: {
          code: -32602,
          message: `Invalid params: tools/call's params must be an object ({ "name": ..., "arguments": {...} }), not ${kind}.`,
        },
      });
    }
    const batch = await post([call(1, { name: 'count', arguments: {} }), call(2, 'hi')]);
    expect(batch.status).toBe(400);
    expect(JSON.parse(batch.text)).toMatchObject({ id: null, error: { code: -32602 } });
    expect(state.runs).toBe(0);
    expect((await post(call(3, { name: 'count' }))).text).toContain('counted');
    expect(errors).toEqual([]);
  });

  it('over a connected transport: -32602 for bad arguments, a missing name and params that are no object', async () => {
    const { tool, state } = counted();
    const { door, errors } = await serveMcp([], { door: { exposeTools: [tool] } });
    const { send, answerTo } = await connectRaw(door);
    const cases: [unknown, RegExp][] = [
      ...BAD_ARGUMENTS.map(([kind, value]): [unknown, RegExp] => [
        { name: 'count', arguments: value },
        new RegExp(`params\\.arguments must be an object .* not ${kind}\\.$`),
      ]),
      [{ arguments: {} }, /params\.name must be a string naming the tool .* not missing\.$/],
      [{ name: 5, arguments: {} }, /params\.name must be a string .* not a number\.$/],
      // No answer at all before: the SDK's protocol layer dropped it as no request.
      ['hi', /params must be an object .* not a string\.$/],
      [[], /params must be an object .* not an array\.$/],
      [undefined, /params must be an object .* not missing\.$/],
    ];
    let id = 1;
    for (const [params, words] of cases) {
      await send(
        params === undefined ? { jsonrpc: '2.0', id, method: 'tools/call' } : call(id, params),
      );
      const answer = await answerTo(id);
      expect(answer).toEqual({
        jsonrpc: '2.0',
        id,
        error: { code: -32602, message: expect.stringMatching(words) },
      });
      expectNoSdkInternals(JSON.stringify(answer));
      id += 1;
    }
    expect(state.runs).toBe(0);
    // Arguments left out are the tool's empty object, as MCP has them; the id answered -32602 is free.
    await send(call(1, { name: 'count' }));
    expect(await answerTo(1)).toMatchObject({ id: 1, result: { content: [{ text: 'counted' }] } });
    expect(state.runs).toBe(1);
    expect(errors).toEqual([]);
  });
});
