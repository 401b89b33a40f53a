import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { listenForTest } from '../door/__fixtures__/serve-door.ts';
import { MAX_UNREAD_EVENT_BYTES } from '../door/unread-cap.ts';
import { KEYS, serveOpenAI } from './__fixtures__/serve-openai.ts';
import { createOpenAIHandler } from './create-openai-handler.ts';

// The OpenAI-compatible door tried from outside: a streaming client that stops reading, and a
// Gemini (or gateway) whose error quotes the key and an internal address. The model traffic goes
// to the fake Gemini; the client is the `openai` package or a raw socket on 127.0.0.1.

const GEMINI_KEY = 'gemini-secret-key';
const INTERNAL = 'http://10.1.2.3:8080/v1beta/internal';

/**
 * An agent whose Gemini is `fetch`, served by the OpenAI door on 127.0.0.1; `upstream` tells how
 * much of each Gemini response body the agent read, and whether it was read to its end or cancelled.
 */
async function serveOn(fetch: typeof globalThis.fetch) {
  let end: (how: 'done' | 'cancelled') => void = () => {};
  const ended = new Promise<'done' | 'cancelled'>((resolve) => {
    end = resolve;
  });
  const upstream = { read: 0, ended };
  const counting: typeof globalThis.fetch = async (input, init) => {
    const response = await fetch(input, init);
    const source = response.body;
    if (source === null) return response;
    const reader = source.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { value, done } = await reader.read();
          if (done) {
            end('done');
            controller.close();
            return;
          }
          upstream.read += value.byteLength;
          controller.enqueue(value);
        },
        async cancel(reason) {
          end('cancelled');
          await reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, headers: response.headers });
  };
  const gemini = createGemini({ apiKey: GEMINI_KEY, retry: false, fetch: counting });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const errors: unknown[] = [];
  const handler = createOpenAIHandler({
    agents: { 'support-agent': agent },
    authorize: (request) =>
      request.headers.get('authorization') === `Bearer ${KEYS.alice}` ? 'alice' : null,
    onError: (error) => errors.push(error),
  });
  const origin = await listenForTest(handler);
  return { origin, handler, upstream, errors };
}

/** A streamed answer of `chunks` chunks of 4 KiB of text each. */
function longAnswer(chunks: number): FakeTurn {
  const text = 'x'.repeat(4096);
  return {
    raw: Array.from({ length: chunks }, (_, index) => ({
      candidates: [
        {
          content: { role: 'model', parts: [{ text }] },
          ...(index === chunks - 1 ? { finishReason: 'STOP' as const } : {}),
        },
      ],
    })),
  };
}

describe('the OpenAI door under an outside attack', () => {
  it('a streaming client that stops reading is cut off past the unread cap, its run aborted: the door does not hold the answer', async () => {
    // 24 MiB of answer; the client reads nothing. Called as a Fetch handler (as Workers, Deno and
    // Bun call it): no socket buffer between the door and the client, so what waits is the door's.
    const chunks = 6144;
    const fake = createFakeGemini({ script: [longAnswer(chunks)] });
    const { handler, upstream, errors } = await serveOn(fake.fetch as typeof fetch);
    const response = await handler(
      new Request('http://127.0.0.1/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'support-agent',
          stream: true,
          messages: [{ role: 'user', content: 'Talk for a long time.' }],
        }),
      }),
    );
    expect(response.status).toBe(200);
    // Ends one way or the other: read whole (the door held it all) or cancelled (cut off).
    expect(await upstream.ended).toBe('cancelled');
    // Bounded: about the cap's worth was read from Gemini (the frames are larger than the chunks).
    expect(upstream.read).toBeLessThan(2 * MAX_UNREAD_EVENT_BYTES);
    // What the client reads now is cut: the body fails rather than end as if whole.
    await expect(response.text()).rejects.toThrow(/unread/);
    // A client that stalls is its own doing, as a client gone is: nothing for onError.
    expect(errors).toEqual([]);
  });

  it('a Gemini error quoting the key and an internal address reaches the OpenAI client as fixed words (unary, streamed, Responses)', async () => {
    const gatewayError: typeof globalThis.fetch = async () =>
      new Response(
        JSON.stringify({
          error: {
            code: 400,
            message: `API key ${GEMINI_KEY} not valid for ${INTERNAL} (upstream 10.1.2.3)`,
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: INTERNAL }],
          },
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      );
    const { origin, errors } = await serveOn(gatewayError);
    const client = new OpenAI({ apiKey: KEYS.alice, baseURL: `${origin}/v1`, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Hi' }];
    const seen: string[] = [];
    const unary = await client.chat.completions
      .create({ model: 'support-agent', messages })
      .catch((error: unknown) => error);
    expect(unary).toBeInstanceOf(OpenAI.APIError);
    seen.push(JSON.stringify((unary as InstanceType<typeof OpenAI.APIError>).error));
    const stream = await client.chat.completions.create({
      model: 'support-agent',
      messages,
      stream: true,
    });
    const streamed = await (async () => {
      for await (const chunk of stream) seen.push(JSON.stringify(chunk));
    })().catch((error: unknown) => error);
    expect(streamed).toBeInstanceOf(OpenAI.APIError);
    seen.push(String((streamed as Error).message));
    const responses = await client.responses
      .create({ model: 'support-agent', input: 'Hi' })
      .catch((error: unknown) => error);
    expect(responses).toBeInstanceOf(OpenAI.APIError);
    seen.push(JSON.stringify((responses as InstanceType<typeof OpenAI.APIError>).error));
    for (const text of seen) {
      expect(text).not.toContain(GEMINI_KEY);
      expect(text).not.toContain('10.1.2.3');
      expect(text).not.toContain('internal');
      expect(text).not.toMatch(/\n\s+at /);
    }
    // The operator gets the whole error.
    expect(errors).toHaveLength(3);
  });

  it("a caller who makes up conversations past the bounds forgets their own oldest, never another caller's", async () => {
    const { client } = await serveOpenAI(
      Array.from({ length: 10 }, (_, index) => turn.text(`answer ${index}`)),
      { handler: { maxConversations: 2, maxResponses: 2 } },
    );
    const bob = await client('bob').responses.create({ model: 'support-agent', input: 'Hi' });
    for (let index = 0; index < 4; index += 1) {
      await client('alice').responses.create({ model: 'support-agent', input: `a${index}` });
    }
    // Bob's response is still his to read and to continue.
    expect((await client('bob').responses.retrieve(bob.id)).id).toBe(bob.id);
    const next = await client('bob').responses.create({
      model: 'support-agent',
      input: 'And then?',
      previous_response_id: bob.id,
    });
    expect(next.status).toBe('completed');
  });

  it.each([
    ['GET', '/responses/%E0%A4%A'],
    ['DELETE', '/responses/%'],
    ['GET', '/models/%zz'],
  ])(
    '%s %s (a broken percent-encoding in the id) is a 400 naming the path, not a 500 in the operator log',
    async (method, path) => {
      // Outside attack (attack-doors5): decodeURIComponent's URIError was the door's own
      // failure: 500 internal_error, and onError told of a client's typo.
      const { baseURL, errors } = await serveOpenAI([]);
      const response = await fetch(`${baseURL}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEYS.alice}` },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { type: 'invalid_request_error', code: 'invalid_path' },
      });
      expect(errors).toEqual([]);
    },
  );

  it.each([
    ['chat/completions', { messages: [{ role: 'user', content: '' }] }, false],
    ['chat/completions', { messages: [{ role: 'user', content: [] }] }, true],
    ['responses', { input: '' }, false],
    ['responses', { input: '' }, true],
    ['responses', { input: [{ role: 'user', content: '' }] }, false],
    ['responses', { input: [{ role: 'user', content: [] }] }, true],
  ])(
    'POST /%s with empty user text %j (stream %s): answered, the empty text sent as Gemini accepted it; never a 500',
    async (path, body, stream) => {
      // doors-followup: the Responses route answered 500 "could not start the run" (send('')
      // refuses an empty string), and the `openai` client retries a 500. Gemini accepted a user
      // turn of only `{ text: '' }` (test/fixtures/gemini/requests/gemini3-flash__parallel-
      // functionResponses-one-user-turn.request.json), so it is sent, as chat completions does.
      const { baseURL, fake, errors } = await serveOpenAI([turn.text('Say something?')]);
      const response = await fetch(`${baseURL}/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'support-agent', stream, ...body }),
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(text).toContain('Say something?');
      expect((fake.requests[0]?.body as { contents?: unknown } | undefined)?.contents).toEqual([
        { role: 'user', parts: [{ text: '' }] },
      ]);
      expect(errors).toEqual([]);
    },
  );
});

// doors-bounds41: a model that calls a tool it was never given, by a 2 MB name and a 2 MB id with
// the client's key in both. The door runs the agent's tools itself and shows no call (its answers
// carry the text only), so neither reaches the client: proven here, streamed and not, for both
// APIs, so that a door that starts showing calls must bound them as the others do.
describe('the OpenAI door and an undeclared tool’s 2 MB name and id', () => {
  const key = 'gemini-secret-key';
  const script = (): FakeTurn[] => [
    turn.parts([
      {
        functionCall: {
          id: `${'i'.repeat(200)}${key}${'d'.repeat(2_000_000)}`,
          name: `${'k'.repeat(110)}${key}${'n'.repeat(2_000_000)}`,
          args: {},
        },
      },
    ]),
    turn.text('Done.'),
  ];
  for (const stream of [false, true]) {
    it(`chat completions and responses (stream: ${stream}): small answers, no key`, async () => {
      for (const path of ['/chat/completions', '/responses'] as const) {
        const { baseURL } = await serveOpenAI(script());
        const body =
          path === '/chat/completions'
            ? { model: 'support-agent', stream, messages: [{ role: 'user', content: 'Go' }] }
            : { model: 'support-agent', stream, input: 'Go' };
        const response = await fetch(`${baseURL}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        expect(response.status).toBe(200);
        expect(text).toContain('Done.');
        expect(text).not.toContain(key);
        expect(text.length).toBeLessThan(20_000);
      }
    });
  }
});
