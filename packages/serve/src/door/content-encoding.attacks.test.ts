import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DOOR_KEYS, RUN_INPUT, serveAllDoors } from './__fixtures__/serve-all-doors.ts';

// attack44a: a request body sent with `Content-Encoding`. No door decodes one, and on main each
// read the coded bytes as the body itself: gzip was refused as "not UTF-8" (the client told the
// wrong fault), and a body labelled `br` (or `deflate`, `zstd`) whose bytes were plain JSON ran
// the model: the door acted on bytes the label said were something else, which a proxy in front
// that does decode would have read differently. A server that does not decode a content coding
// answers 415 (RFC 9110 section 15.5.16); each door now does, in its own error shape, before any
// byte of the body is read, and says to send it uncompressed.

const JSON_BODIES: Record<string, string> = {
  '/v1/chat/completions': JSON.stringify({
    model: 'support',
    messages: [{ role: 'user', content: 'Hi' }],
  }),
  '/v1/responses': JSON.stringify({ model: 'support', input: 'Hi' }),
  '/ag-ui': JSON.stringify(RUN_INPUT),
  '/a2a': JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'message/send',
    params: {
      message: {
        kind: 'message',
        messageId: 'm1',
        role: 'user',
        parts: [{ kind: 'text', text: 'Hi' }],
      },
    },
  }),
  '/mcp': JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'attack44a', version: '1.0.0' },
    },
  }),
};

async function post(base: string, path: string, body: Uint8Array | string, coding?: string) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${DOOR_KEYS.alice}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(coding === undefined ? {} : { 'content-encoding': coding }),
    },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, text: await response.text() };
}

describe('a request body with Content-Encoding, at every door (attack44a)', () => {
  it.each(Object.keys(JSON_BODIES))(
    '%s: 415 for gzip, br, or a list, before any model call',
    async (path) => {
      const { base, fake } = await serveAllDoors();
      const json = JSON_BODIES[path] as string;
      const sent = [
        await post(base, path, gzipSync(json), 'gzip'),
        // Plain JSON under a label that says otherwise: read as labelled, it is not JSON.
        await post(base, path, json, 'br'),
        await post(base, path, json, 'identity, deflate'),
        await post(base, path, json, 'X-Custom'),
      ];
      for (const { status, text } of sent) {
        expect(status).toBe(415);
        expect(text).toContain('Content-Encoding');
        expect(text).toContain('uncompressed');
        expect(text).not.toContain('not UTF-8');
        expect(text).not.toMatch(/\n\s+at |TypeError|X-Custom/);
      }
      expect(fake.requests).toHaveLength(0);
    },
  );

  it.each(Object.keys(JSON_BODIES))(
    '%s: `identity` (the absence of a coding) is read as before',
    async (path) => {
      const { base } = await serveAllDoors();
      const { status } = await post(base, path, JSON_BODIES[path] as string, 'identity');
      expect(status).toBe(200);
    },
  );

  it('a gzip bomb (64 MiB of zeros in 64 KiB) is refused unread, never inflated', async () => {
    const { base, fake } = await serveAllDoors();
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(128 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    for (const path of Object.keys(JSON_BODIES)) {
      const { status } = await post(base, path, bomb, 'gzip');
      expect(status).toBe(415);
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
    expect(fake.requests).toHaveLength(0);
  });
});
