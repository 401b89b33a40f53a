import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { serveA2A, TOKENS } from './__fixtures__/serve-a2a.ts';

// attack22: a client that accepts only `image/png` (`configuration.acceptedOutputModes`) was
// answered in text, as if it had asked for text. The A2A specification has the client list "the
// media types the client is prepared to accept for response parts" (a2a.proto,
// SendMessageConfiguration.accepted_output_modes), and its `ContentTypeNotSupportedError` (-32005)
// is for "a Media Type provided in the request's message parts or implied for an artifact [that]
// is not supported by the agent" (docs/specification.md, A2A-Specific Errors). The door answers in
// `text/plain` only (its card's `defaultOutputModes`): a send that accepts none of it is refused
// with -32005 naming what the agent produces, before any run.

const send = (method: string, configuration: unknown, id = 7) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method,
    params: {
      message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: 'Hi.' }] },
      configuration,
    },
  });

describe('the A2A door and a client’s accepted output modes (attack22)', () => {
  it.each([
    ['SendMessage', { acceptedOutputModes: ['image/png'] }],
    ['SendStreamingMessage', { acceptedOutputModes: ['image/png', 'audio/wav'] }],
    ['SendMessage', { accepted_output_modes: ['application/json'] }],
    ['SendMessage', { acceptedOutputModes: ['image/*'] }],
  ])('%s accepting %j: -32005 naming text/plain, no run', async (method, configuration) => {
    const { post, fake } = await serveA2A([turn.text('Hello.')]);
    const reply = await post(send(method, configuration));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('application/json');
    const body = (await reply.json()) as { id: number; error?: { code: number; message: string } };
    expect(body.id).toBe(7);
    expect(body.error?.code).toBe(-32005);
    expect(body.error?.message).toContain('text/plain');
    expect(fake.requests).toHaveLength(0);
  });

  it('v0.3 `message/send` accepting only image/png: the same -32005', async () => {
    const { origin, fake } = await serveA2A([turn.text('Hello.')]);
    const reply = await fetch(`${origin}/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'message/send',
        params: {
          message: {
            kind: 'message',
            messageId: 'm',
            role: 'user',
            parts: [{ kind: 'text', text: 'Hi.' }],
          },
          configuration: { acceptedOutputModes: ['image/png'] },
        },
      }),
    });
    const body = (await reply.json()) as { error?: { code: number; message: string } };
    expect(body.error?.code).toBe(-32005);
    expect(body.error?.message).toContain('text/plain');
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    [{ acceptedOutputModes: ['text/plain'] }],
    [{ acceptedOutputModes: ['Text/Plain; charset=utf-8'] }],
    [{ acceptedOutputModes: ['image/png', 'text/plain'] }],
    [{ acceptedOutputModes: ['text/*'] }],
    [{ acceptedOutputModes: ['*/*'] }],
    [{ acceptedOutputModes: [] }],
    [{ accepted_output_modes: ['text/plain'] }],
    [{}],
    [undefined],
  ])('a send accepting %j is answered in text', async (configuration) => {
    const { post } = await serveA2A([turn.text('Hello.')]);
    const reply = await post(send('SendMessage', configuration));
    const text = await reply.text();
    expect(text).not.toContain('-32005');
    expect(text).toContain('Hello.');
  });
});
