import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createChatServer } from './node-http-server.ts';

// attack21: the node:http server of the guide "Streaming a run to a browser", as a hostile client
// sends to it. It parsed the body with a bare `JSON.parse` inside its async request listener: a
// body that was not JSON threw, the listener's promise was rejected with no one to handle it
// (Node 20 ends the process on an unhandled rejection: one request took the server down), and the
// client got no answer at all. `{}` sent the model the text "undefined", and the body was read
// without a bound. The snippet now answers 400 (not JSON, no message) or 413 (past 64 KB, read
// and dropped), and keeps serving.

async function serve(turns = 1) {
  const fake = createFakeGemini({
    script: Array.from({ length: turns }, () => turn.text('Hello.')),
  });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'docs-test-key', fetch: fake.fetch, retry: false }),
    model: 'gemini-2.5-flash',
  });
  const server = createChatServer(agent);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
  // A hang guard: the old listener never answered a body it could not parse.
  const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
  return { fake, post };
}

describe('the guide’s node:http chat server and a hostile body (attack21)', () => {
  it('answers 400 to a body that is not a question, 413 past 64 KB, nothing unhandled, and still serves', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    onTestFinished(() => void process.off('unhandledRejection', onRejection));
    const { fake, post } = await serve();
    for (const body of ['not json', '', 'null', '[]', '{}', '{"message":42}', '{"message":""}']) {
      const answer = await post(body);
      expect(answer.status, body).toBe(400);
      expect(await answer.text()).toContain('message');
    }
    const large = await post(JSON.stringify({ message: 'x'.repeat(100_000) }));
    expect(large.status).toBe(413);
    await large.text();
    expect(fake.requests).toHaveLength(0);
    const good = await post(JSON.stringify({ message: 'Hi' }));
    expect(good.status).toBe(200);
    expect(await good.text()).toContain('Hello.');
    expect(rejections).toEqual([]);
  });

  it('answers 415 to a coded body and 400 to bytes that are not UTF-8, with no model call (attack44a)', async () => {
    // Two answers: the split code point's request and `identity`'s.
    const { fake, post } = await serve(2);
    const question = JSON.stringify({ message: 'Hi' });
    // Before: the bytes were read as JSON whatever their label (a `br` body of plain JSON ran
    // the model; a proxy in front that decodes the label reads another body), and
    // setEncoding('utf8') made a byte that is not UTF-8 a U+FFFD the model was sent.
    for (const coding of ['br', 'gzip', 'identity, deflate', 'x-custom']) {
      const answer = await post(question, { 'content-encoding': coding });
      expect(answer.status, coding).toBe(415);
      expect(await answer.text()).toContain('uncompressed');
    }
    const zipped = await post(new Uint8Array(gzipSync(question)), { 'content-encoding': 'gzip' });
    expect(zipped.status).toBe(415);
    await zipped.text();
    const bad = await post(
      Uint8Array.from([...Buffer.from('{"message":"Hi '), 0xff, ...Buffer.from('"}')]),
    );
    expect(bad.status).toBe(400);
    await bad.text();
    // A code point cut across two chunks is whole once the body is in.
    const split = await post(JSON.stringify({ message: `${'a'.repeat(16_383)}é` }));
    expect(split.status).toBe(200);
    await split.text();
    expect(fake.requests).toHaveLength(1);
    const identity = await post(JSON.stringify({ message: 'Hi' }), {
      'content-encoding': 'identity',
    });
    expect(identity.status).toBe(200);
    expect(await identity.text()).toContain('Hello.');
    expect(fake.requests).toHaveLength(2);
  });
});
