import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFakeLive, type FakeLive } from './create-fake-live.ts';

// Hostile client bytes on the fake Live server: each is refused by closing the socket with 1007
// (invalid payload, RFC 6455 §7.4.1) and a recorded rule; none may throw inside the server, where
// an exception in a socket listener would take the whole test process down.

const PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';
const setup = { setup: { model: 'models/gemini-live-test' } };

let fake: FakeLive | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Opens a socket, sends the messages in order, and resolves with the close code. */
async function closeCodeAfter(messages: unknown[]): Promise<number> {
  fake ??= await createFakeLive({ script: [[{ text: 'hi' }]] });
  const ws = new WebSocket(`${fake.url.replace('http', 'ws')}${PATH}?key=k`);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  for (const message of messages) {
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }
  return closed;
}

describe('createFakeLive on hostile client messages', () => {
  it.each([
    ['setup null', [{ setup: null }]],
    ['setup a string', [{ setup: 'models/x' }]],
    ['setup a list', [{ setup: [] }]],
    ['tools that are no list', [{ setup: { model: 'models/x', tools: 5 } }]],
    ['a tool that is null', [{ setup: { model: 'models/x', tools: [null] } }]],
    [
      'function declarations that are no list',
      [{ setup: { model: 'models/x', tools: [{ functionDeclarations: 'f' }] } }],
    ],
    [
      'a function declaration that is null',
      [{ setup: { model: 'models/x', tools: [{ functionDeclarations: [null] }] } }],
    ],
    ['clientContent null', [setup, { clientContent: null }]],
    ['realtimeInput a number', [setup, { realtimeInput: 3 }]],
    ['toolResponse a string', [setup, { toolResponse: 'ok' }]],
    ['a function response that is null', [setup, { toolResponse: { functionResponses: [null] } }]],
    ['a message that is a JSON list', ['[1,2]']],
    ['a message that is not JSON', ['{"setup":']],
  ])('closes with 1007 on %s, and keeps serving', async (_, messages) => {
    expect(await closeCodeAfter(messages)).toBe(1007);
    expect(fake?.errors.at(-1)?.rule).toBe('json');
    // The server still answers a well-formed session.
    const ws = new WebSocket(`${fake?.url.replace('http', 'ws')}${PATH}?key=k`);
    const first = new Promise<unknown>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify(setup));
    expect(await first).toEqual({ setupComplete: {} });
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.close();
    await closed;
  });
});

describe('createFakeLive close reasons', () => {
  it('closes with a reason of at most 123 bytes when the client names keys in a wide script', async () => {
    // The reason quotes the client's keys; cut by characters, 120 of "é" are 240 bytes, which
    // ws refuses to send (RFC 6455 §5.5) by throwing inside the server's listener.
    fake = await createFakeLive({ script: [[{ text: 'hi' }]] });
    const ws = new WebSocket(`${fake.url.replace('http', 'ws')}${PATH}?key=k`);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
    );
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ [`${'é'.repeat(100)}😀`]: 1 }));
    const { code, reason } = await closed;
    expect(code).toBe(1007);
    expect(Buffer.byteLength(reason, 'utf8')).toBeLessThanOrEqual(123);
    expect(reason.startsWith('setup-first: the first message was é')).toBe(true);
    expect(reason).not.toContain('\ufffd');
    expect(fake.errors.at(-1)?.rule).toBe('setup-first');
  });
});
