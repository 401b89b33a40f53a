import { randomBytes } from 'node:crypto';
import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { serveA2A } from '../a2a/__fixtures__/serve-a2a.ts';
import { serveAgUi } from '../ag-ui/__fixtures__/serve-ag-ui.ts';
import { serveOpenAI } from '../openai/__fixtures__/serve-openai.ts';
import { lastRequestUserParts as userParts } from './__fixtures__/media-samples.ts';
import { bodyTooLargeMessage } from './read-bounded-body.ts';

// media-size56: a photo through a door by default, and a body past the limit refused in each
// protocol's own error shape, naming the size seen, the limit and the option that raises it, sent
// by the real clients (the `openai` SDK, the A2A SDK's client, @ag-ui/client's HttpAgent).

/** A random image of `bytes` bytes as base64: past the old 1 MiB default at 1.5 MiB. */
const imageOf = (bytes: number) => randomBytes(bytes).toString('base64');
const LIMIT = 256 * 1024;
const OVER = imageOf(300 * 1024);
/** What every refusal names, and what none holds. */
function expectNamedRefusal(message: string) {
  expect(message).toContain(`this server's limit of ${LIMIT} bytes`);
  expect(message).toContain('maxBodyBytes');
  expect(message).toMatch(/The request body is (\d+ bytes, )?over/);
  expect(message).not.toContain(OVER.slice(0, 40));
  expect(message).not.toMatch(/\n\s+at |node_modules|Error:/);
}

describe('bodyTooLargeMessage', () => {
  it('names the declared size, the limit and the option; MiB from 1 MiB up', () => {
    expect(bodyTooLargeMessage(32 * 1024 * 1024, 40_000_000)).toBe(
      "The request body is 40000000 bytes (38.1 MiB), over this server's limit of 33554432 bytes (32 MiB): send less (a smaller image or file, or fewer), or have the server's maxBodyBytes option raised.",
    );
    expect(bodyTooLargeMessage(1000, undefined)).toBe(
      "The request body is over this server's limit of 1000 bytes: send less (a smaller image or file, or fewer), or have the server's maxBodyBytes option raised.",
    );
  });
});

describe('door body limits with media (media-size56)', () => {
  it('OpenAI: a 1.5 MiB photo is answered by default (1 MiB was a 413); past maxBodyBytes the SDK gets a 413 error object naming it', async () => {
    const photo = imageOf(1536 * 1024);
    const chat = (url: string): OpenAI.ChatCompletionCreateParamsNonStreaming => ({
      model: 'support-agent',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${url}` } },
          ],
        },
      ],
    });
    const served = await serveOpenAI([turn.text('A photo.')]);
    const answer = await served.client().chat.completions.create(chat(photo));
    expect(answer.choices[0]?.message.content).toBe('A photo.');
    expect(userParts(served.fake.requests)).toEqual([
      [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/jpeg', data: photo } }],
    ]);
    const limited = await serveOpenAI([turn.text('never')], { handler: { maxBodyBytes: LIMIT } });
    const error = await limited
      .client()
      .chat.completions.create(chat(OVER))
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError).toMatchObject({
      status: 413,
      type: 'invalid_request_error',
      code: 'request_too_large',
      param: null,
    });
    expectNamedRefusal(apiError.message);
    expect(apiError.message).toMatch(/The request body is \d{6} bytes, over/);
    expect(limited.fake.requests).toHaveLength(0);
  });

  it('A2A: the SDK client gets the JSON-RPC error (-32600) naming the size, the limit and maxBodyBytes', async () => {
    const { client, fake, post } = await serveA2A([turn.text('never')], {
      handler: { maxBodyBytes: LIMIT },
    });
    const a2a = await client();
    const error = await a2a
      .sendMessage({
        message: {
          messageId: crypto.randomUUID(),
          role: 1,
          parts: [
            { content: { $case: 'text', value: 'What is this?' } },
            {
              content: { $case: 'raw', value: Buffer.from(OVER, 'base64') },
              mediaType: 'image/png',
            },
          ],
        },
      } as never)
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Error);
    expectNamedRefusal((error as Error).message);
    // The same refusal as JSON-RPC: its own error object, id null (the request was never read).
    const raw = await post(`{"jsonrpc":"2.0","id":1,"method":"SendMessage","pad":"${OVER}"}`);
    expect(raw.status).toBe(413);
    const body = (await raw.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(-32600);
    expectNamedRefusal(body.error.message);
    expect(fake.requests).toHaveLength(0);
  });

  it('AG-UI: HttpAgent fails the run with the 413 and the door error naming the size, the limit and maxBodyBytes', async () => {
    const { client, fake } = await serveAgUi([turn.text('never')], {
      handler: { maxBodyBytes: LIMIT },
    });
    const http = client('alice', 'thread-big');
    http.addMessage({
      id: 'm1',
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image', source: { type: 'data', value: OVER, mimeType: 'image/png' } },
      ],
    });
    const failed: unknown[] = [];
    const error = await http
      .runAgent({}, { onRunFailed: ({ error: runError }) => void failed.push(runError) })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 413 });
    const payload = (error as { payload: { error: { code: string; message: string } } }).payload;
    expect(payload.error.code).toBe('request_too_large');
    expectNamedRefusal(payload.error.message);
    expect(failed).toHaveLength(1);
    expect(fake.requests).toHaveLength(0);
  });
});
