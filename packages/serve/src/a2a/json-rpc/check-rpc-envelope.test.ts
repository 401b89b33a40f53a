import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { serveA2A } from '../__fixtures__/serve-a2a.ts';

// leftovers70: JSON-RPC 2.0's envelope at the A2A door. A request whose `jsonrpc` is not "2.0" or
// whose `method` is no string is no Request object: -32600 "Invalid Request" (section 5.1), where
// the SDK answered -32602 "Invalid params". A request without an id is a notification, which the
// server MUST NOT reply to (section 4.1): the SDK ran it (a SendMessage called the model) and
// answered it with id null.

const SEND_PARAMS = {
  message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'Hi' }] },
};

describe('A2A door: the JSON-RPC envelope', () => {
  it.each([
    ['jsonrpc missing', { id: 1, method: 'GetTask' }, 'jsonrpc must be "2.0", not missing'],
    ['jsonrpc "1.0"', { jsonrpc: '1.0', id: 1, method: 'GetTask' }, 'not a string'],
    ['jsonrpc 2', { jsonrpc: 2, id: 1, method: 'GetTask' }, 'not a number'],
    ['method missing', { jsonrpc: '2.0', id: 1 }, 'method must be a string'],
    ['method a number', { jsonrpc: '2.0', id: 1, method: 5 }, 'not a number'],
    ['no id, method a number', { jsonrpc: '2.0', method: 5 }, 'not a number'],
  ])('%s: -32600 Invalid Request with its id, nothing run', async (_name, body, words) => {
    const { post, fake } = await serveA2A([turn.text('never')]);
    const reply = await post(JSON.stringify({ ...body, params: SEND_PARAMS }));
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({
      jsonrpc: '2.0',
      id: 'id' in body ? body.id : null,
      error: { code: -32600, message: expect.stringContaining(words) },
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('a notification (no id) is not answered and not run: 204, no body, no model call', async () => {
    const { post, fake } = await serveA2A([turn.text('never'), turn.text('Hello.')]);
    for (const body of [
      { jsonrpc: '2.0', method: 'SendMessage', params: SEND_PARAMS },
      { jsonrpc: '2.0', method: 'SendStreamingMessage', params: SEND_PARAMS },
      { jsonrpc: '2.0', method: 'GetTask', params: 'x' },
    ]) {
      const reply = await post(JSON.stringify(body));
      expect(reply.status).toBe(204);
      expect(await reply.text()).toBe('');
    }
    expect(fake.requests).toHaveLength(0);
    // A request with an id (null too: it is one, if discouraged) is answered as before.
    const answered = await post(
      JSON.stringify({ jsonrpc: '2.0', id: null, method: 'SendMessage', params: SEND_PARAMS }),
    );
    expect(await answered.json()).toMatchObject({ jsonrpc: '2.0', id: null, result: {} });
    expect(fake.requests).toHaveLength(1);
  });
});
