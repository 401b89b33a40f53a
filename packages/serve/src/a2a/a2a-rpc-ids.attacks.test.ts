import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { serveA2A } from './__fixtures__/serve-a2a.ts';

// attack44a: a JSON-RPC request whose `id` is no id (JSON-RPC 2.0 section 4: a string, a number
// without a fraction, or null). The SDK refused the request (-32600) but answered with the id as
// sent: an object, an array (up to the body's megabyte, echoed whole), `true`, `1.5`. When the id
// cannot be read, the error's id MUST be null (section 5); so it is now, for every method.

const send = (id: string) =>
  `{"jsonrpc":"2.0","id":${id},"method":"SendMessage","params":{"message":{"messageId":"m1","role":"ROLE_USER","parts":[{"text":"Hi"}]}}}`;

describe('an A2A request whose id is not an id (attack44a)', () => {
  it.each([
    '{"a":1}',
    '[1]',
    'true',
    '1.5',
    `{"deep":${'['.repeat(100)}"x"${']'.repeat(100)}}`,
    JSON.stringify({ blob: 'x'.repeat(200_000) }),
  ])('id %#: -32600 with id null, no run, nothing echoed', async (id) => {
    const { post, fake } = await serveA2A([turn.text('never')]);
    for (const body of [
      send(id),
      `{"jsonrpc":"2.0","id":${id},"method":"SendStreamingMessage","params":{"message":{"messageId":"m2","role":"ROLE_USER","parts":[{"text":"Hi"}]}}}`,
      `{"jsonrpc":"2.0","id":${id},"method":"GetTask","params":{"id":"t1"}}`,
    ]) {
      const reply = await post(body);
      const text = await reply.text();
      expect(JSON.parse(text)).toMatchObject({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: expect.stringContaining('id') },
      });
      expect(text.length).toBeLessThan(400);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('a string, an integer and null are ids as before', async () => {
    const { post } = await serveA2A([turn.text('One.'), turn.text('Two.')]);
    for (const [id, back] of [
      ['"a-1"', 'a-1'],
      ['7', 7],
      ['-0', 0],
    ] as const) {
      const reply = await post(
        `{"jsonrpc":"2.0","id":${id},"method":"GetTask","params":{"id":"t1"}}`,
      );
      const body = (await reply.json()) as { id: unknown; error?: { code: number } };
      expect(body.id).toBe(back);
      expect(body.error?.code).not.toBe(-32600);
    }
  });
});
