import { randomBytes } from 'node:crypto';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import {
  countingServer,
  lastRequestUserParts as userParts,
} from '../door/__fixtures__/media-samples.ts';
import { serveA2A } from './__fixtures__/serve-a2a.ts';

// attack55b: an A2A v0.3 client's file parts as real and hostile clients write them: bytes
// wrapped at 76 characters or in the URL-safe alphabet (the SDK decodes them, the door encodes
// the bytes once as standard base64), bytes and a uri in one file, a name that is a path.

/** A v0.3 `message/send` of `parts`; the task's state, and the fake Gemini's user parts. */
async function sendV03(parts: unknown[]) {
  const { post, fake } = await serveA2A([turn.text('Seen.')]);
  const reply = await post(
    JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'message/send',
      params: {
        message: { kind: 'message', messageId: crypto.randomUUID(), role: 'user', parts },
      },
    }),
    { 'a2a-version': '0.3' },
  );
  const text = await reply.text();
  const body = JSON.parse(text) as { result?: { status: { state: string } } };
  return { state: body.result?.status.state, text, sent: userParts(fake.requests), fake };
}

describe('A2A door: v0.3 files from outside (attack55b)', () => {
  const bytes = randomBytes(1500);
  const standard = bytes.toString('base64');

  it.each([
    ['wrapped at 76 characters', (standard.match(/.{1,76}/g) ?? []).join('\r\n')],
    ['in the URL-safe alphabet', bytes.toString('base64url')],
  ])('takes file.bytes %s and sends Gemini the same bytes as standard base64', async (_, data) => {
    const { state, sent } = await sendV03([
      { kind: 'file', file: { bytes: data, mimeType: 'image/png' } },
    ]);
    expect(state).toBe('completed');
    expect(sent).toEqual([[{ inlineData: { mimeType: 'image/png', data: standard } }]]);
  });

  it('a file with bytes and a uri (127.0.0.1) never fetches the uri', async () => {
    const { hits, url } = await countingServer();
    const { text, fake } = await sendV03([
      { kind: 'text', text: 'Look' },
      { kind: 'file', file: { bytes: standard, uri: url, mimeType: 'image/png' } },
    ]);
    expect(hits.count).toBe(0);
    expect(JSON.stringify(fake.requests.map((request) => request.body))).not.toContain(url);
    expect(text).not.toContain('127.0.0.1:');
    // The v0.3 compat layer keeps the bytes (the v1.0 part is a oneof) and drops the uri.
    expect(userParts(fake.requests)).toEqual([
      [{ text: 'Look' }, { inlineData: { mimeType: 'image/png', data: standard } }],
    ]);
  });

  it('a file name that is a path, 10 KB long, goes nowhere: not to Gemini, not into the task', async () => {
    const name = `../../../../etc/passwd${'/..'.repeat(3400)}`;
    const { state, fake } = await sendV03([
      { kind: 'file', file: { bytes: standard, mimeType: 'image/png', name } },
    ]);
    expect(state).toBe('completed');
    expect(JSON.stringify(fake.requests.map((request) => request.body))).not.toContain('passwd');
  });
});
