import { describe, expect, it } from 'vitest';
import { createBodyBudget } from '../../door/body-budget.ts';
import {
  extensionsOf,
  INTERNAL_ERROR,
  INTERNAL_MESSAGE,
  isStream,
  readJsonRpcBody,
  reply,
  safeResponse,
} from './json-rpc-reply.ts';

// The A2A door's JSON-RPC envelope: the id a reply echoes, an internal error's words replaced,
// the extensions header read, and a body read as JSON within its bound.

describe('reply', () => {
  it('echoes a string or number id, and null for any other or none', () => {
    const error = { code: -32600, message: 'bad' };
    expect(reply({ id: 7 }, { error })).toEqual({ jsonrpc: '2.0', id: 7, error });
    expect(reply({ id: 'a' }, { error }).id).toBe('a');
    for (const body of [{ id: { nested: 1 } }, { id: [1] }, { id: null }, {}, [1], 'x', null]) {
      expect(reply(body, { error }).id, JSON.stringify(body)).toBeNull();
    }
  });
});

describe('safeResponse', () => {
  it('replaces an internal error`s message (a thrown error`s own words) and keeps any other', () => {
    const leaked = {
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: INTERNAL_ERROR,
        message: 'ECONNREFUSED 10.0.0.5:5432',
        data: { stack: 'at db.ts:3' },
      },
    };
    expect(safeResponse(leaked)).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: INTERNAL_ERROR, message: INTERNAL_MESSAGE },
    });
    const invalid = { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Invalid params' } };
    expect(safeResponse(invalid)).toBe(invalid);
    const result = { jsonrpc: '2.0', id: 1, result: { ok: true } };
    expect(safeResponse(result)).toBe(result);
  });
});

describe('extensionsOf', () => {
  it('reads a comma-separated list, trimmed, without empty entries; none is undefined', () => {
    expect(extensionsOf(' https://a.example/ext/1 ,https://b.example/ext/2,, ')).toEqual([
      'https://a.example/ext/1',
      'https://b.example/ext/2',
    ]);
    expect(extensionsOf(null)).toBeUndefined();
    expect(extensionsOf(' , ')).toBeUndefined();
  });
});

describe('isStream', () => {
  it('is true for an async iterable only', async () => {
    async function* frames() {
      yield 1;
    }
    expect(isStream(frames())).toBe(true);
    expect(isStream([1, 2])).toBe(false);
    expect(isStream({ [Symbol.asyncIterator]: 'not a function' })).toBe(false);
    expect(isStream(null)).toBe(false);
  });
});

describe('readJsonRpcBody', () => {
  const post = (body: string) => new Request('http://a2a.test/', { method: 'POST', body });
  const limits = (maxBytes: number) => ({
    maxBytes,
    budget: createBodyBudget(1000),
    idleTimeoutMs: 10_000,
    owner: 'alice',
  });

  it('parses a body within the bound', async () => {
    expect(await readJsonRpcBody(post('{"jsonrpc":"2.0","id":1}'), limits(100))).toEqual({
      jsonrpc: '2.0',
      id: 1,
    });
  });

  it('answers 413 with an invalid-request code past the bound, and a parse error for text that is not JSON', async () => {
    await expect(readJsonRpcBody(post('x'.repeat(101)), limits(100))).rejects.toMatchObject({
      status: 413,
      rpcCode: -32600,
    });
    await expect(readJsonRpcBody(post('{"jsonrpc":'), limits(100))).rejects.toMatchObject({
      status: 400,
      rpcCode: -32700,
    });
  });

  it('answers 503 with a server error and retry-after when the budget is full, and gives back what a read took', async () => {
    const budget = createBodyBudget(100);
    expect(budget.take(90)).toBe(true);
    const refused = readJsonRpcBody(post('{"jsonrpc":"2.0","id":1}'), {
      maxBytes: 100,
      budget,
      idleTimeoutMs: 10_000,
      owner: 'alice',
    });
    await expect(refused).rejects.toMatchObject({ status: 503, rpcCode: -32000, retryAfter: 5 });
    budget.give(90);
    // A parse error after the read: its bytes are given back too.
    await expect(
      readJsonRpcBody(post('{"jsonrpc":'), {
        maxBytes: 100,
        budget,
        idleTimeoutMs: 10_000,
        owner: 'alice',
      }),
    ).rejects.toMatchObject({
      status: 400,
    });
    expect(budget.inFlight()).toBe(0);
  });
});
