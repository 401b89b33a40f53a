import { describe, expect, it } from 'vitest';
import { openRawSession } from './__fixtures__/raw-mcp-session.ts';
import { serveMcp } from './__fixtures__/serve-mcp.ts';

// A `tools/list` or `ping` cancelled in the microtasks before its answer (leftovers77b; noticed
// by attack62f). The SDK (1.32) aborts the request and sends no answer, as MCP asks, but its
// Streamable HTTP transport ends a POST only once every request of it has an answer: the POST
// stayed open for ever, its ids claimed. Only `tools/call` had the door's stop. Each case sends
// the request and its cancel in one batch, so the cancel lands before the answer.

const request = (id: string | number, method: string) => ({ jsonrpc: '2.0', id, method });
const cancel = (requestId: string | number) => ({
  jsonrpc: '2.0',
  method: 'notifications/cancelled',
  params: { requestId, reason: 'The user stopped it.' },
});

describe('MCP: a cancelled tools/list or ping', () => {
  it.each([
    ['tools/list', 7],
    ['tools/list', 'list-7'],
    ['ping', 8],
    ['tools/list', 0],
    ['ping', ''],
  ] as const)(
    '%s of id %j cancelled in its batch: the POST ends, its id is free again',
    async (method, id) => {
      const { url, errors } = await serveMcp([]);
      const post = await openRawSession(url);
      const ended = await post([request(id, method), cancel(id)]);
      expect(ended.status).toBe(200);
      // No answer for the cancelled request (MCP: the receiver does not send one).
      expect(ended.messages.filter((message) => 'id' in message)).toEqual([]);
      const again = await post(request(id, method));
      expect(again.messages).toMatchObject([{ id, result: {} }]);
      expect(errors).toEqual([]);
    },
  );

  it('in a batch with a ping: the ping is answered on the POST, which then ends', async () => {
    const { url } = await serveMcp([]);
    const post = await openRawSession(url);
    const ended = await post([request(1, 'tools/list'), request(2, 'ping'), cancel(1)]);
    expect(ended.messages).toEqual([{ jsonrpc: '2.0', id: 2, result: {} }]);
  });
});
