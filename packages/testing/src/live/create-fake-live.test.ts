import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFakeLive, type FakeLive } from './create-fake-live.ts';

const PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';

let fake: FakeLive | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

type Client = {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  next(predicate: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  closed: Promise<number>;
  send(message: unknown): void;
};

async function connect(url: string, key = 'test-key'): Promise<Client> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}${PATH}?key=${key}`);
  const frames: Record<string, unknown>[] = [];
  const waiters: {
    predicate: (frame: Record<string, unknown>) => boolean;
    resolve: (frame: Record<string, unknown>) => void;
  }[] = [];
  let seen = 0;
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Record<string, unknown>;
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    next: (predicate) => {
      const found = frames.slice(seen).find(predicate);
      if (found !== undefined) {
        seen = frames.indexOf(found) + 1;
        return Promise.resolve(found);
      }
      return new Promise((resolve) =>
        waiters.push({
          predicate,
          resolve: (frame) => {
            seen = frames.indexOf(frame) + 1;
            resolve(frame);
          },
        }),
      );
    },
  };
}

const setup = (extra: Record<string, unknown> = {}) => ({
  setup: { model: 'models/gemini-live-test', ...extra },
});

describe('createFakeLive', () => {
  it('answers the setup, then plays a turn for each user turn', async () => {
    fake = await createFakeLive({ script: [[{ text: 'Hello' }, { outputTranscript: 'Hello' }]] });
    const client = await connect(fake.url);
    client.send(setup());
    await client.next((frame) => frame['setupComplete'] !== undefined);
    client.send({ realtimeInput: { text: 'hi' } });
    const complete = await client.next(
      (frame) =>
        (frame['serverContent'] as { turnComplete?: boolean } | undefined)?.turnComplete === true,
    );
    expect(complete).toEqual({ serverContent: { turnComplete: true } });
    expect(client.frames[1]).toEqual({
      serverContent: { modelTurn: { role: 'model', parts: [{ text: 'Hello' }] } },
    });
    client.ws.close();
  });

  it('sends a frame given as bytes as a binary frame, and closes with a close step', async () => {
    const bytes = new TextEncoder().encode('{"serverContent":{}}');
    fake = await createFakeLive({
      script: [[{ frame: bytes }, { close: { code: 4001, reason: 'gone away' } }]],
    });
    const ws = new WebSocket(`${fake.url.replace('http', 'ws')}${PATH}?key=test-key`);
    const received: { binary: boolean; text: string }[] = [];
    ws.on('message', (data, binary) => received.push({ binary, text: String(data) }));
    const closed = new Promise<[number, string]>((resolve) =>
      ws.on('close', (code, reason) => resolve([code, String(reason)])),
    );
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify(setup()));
    ws.send(JSON.stringify({ realtimeInput: { text: 'hi' } }));
    expect(await closed).toEqual([4001, 'gone away']);
    expect(received.slice(1)).toEqual([{ binary: true, text: '{"serverContent":{}}' }]);
  });

  it('refuses a first message that is not the setup (1007, rule setup-first)', async () => {
    fake = await createFakeLive({ script: [] });
    const client = await connect(fake.url);
    client.send({ realtimeInput: { text: 'hi' } });
    expect(await client.closed).toBe(1007);
    expect(fake.errors.map((error) => error.rule)).toEqual(['setup-first']);
  });

  it('refuses a connection without an API key (1008)', async () => {
    fake = await createFakeLive({ script: [] });
    const client = await connect(fake.url, '');
    expect(await client.closed).toBe(1008);
    expect(fake.errors[0]?.rule).toBe('api-key');
  });

  it('refuses a tool response whose id matches no pending call', async () => {
    fake = await createFakeLive({ script: [[{ toolCalls: [{ name: 'lookup', id: 'c1' }] }]] });
    const client = await connect(fake.url);
    client.send(setup({ tools: [{ functionDeclarations: [{ name: 'lookup' }] }] }));
    client.send({ realtimeInput: { text: 'look it up' } });
    await client.next((frame) => frame['toolCall'] !== undefined);
    client.send({
      toolResponse: { functionResponses: [{ id: 'c2', name: 'lookup', response: {} }] },
    });
    expect(await client.closed).toBe(1007);
    expect(fake.errors[0]).toMatchObject({ rule: 'tool-response-id' });
  });

  it('sends an id-less call (id: null, Vertex style) and takes one id-less answer per call, by name in call order', async () => {
    fake = await createFakeLive({
      script: [
        [{ toolCalls: [{ name: 'lookup', id: null, args: { q: 'a' } }] }],
        [
          {
            toolCalls: [
              { name: 'lookup', id: null, args: { q: 'b' } },
              { name: 'lookup', id: null, args: { q: 'c' } },
            ],
          },
        ],
        [{ text: 'Found all' }],
      ],
    });
    const client = await connect(fake.url);
    client.send(setup({ tools: [{ functionDeclarations: [{ name: 'lookup' }] }] }));
    client.send({ realtimeInput: { text: 'look it up' } });
    const first = await client.next((frame) => frame['toolCall'] !== undefined);
    expect(first).toEqual({
      toolCall: { functionCalls: [{ name: 'lookup', args: { q: 'a' } }] },
    });
    client.send({
      toolResponse: { functionResponses: [{ name: 'lookup', response: { hit: 'a' } }] },
    });
    const second = await client.next((frame) => frame['toolCall'] !== undefined);
    expect(second).toEqual({
      toolCall: {
        functionCalls: [
          { name: 'lookup', args: { q: 'b' } },
          { name: 'lookup', args: { q: 'c' } },
        ],
      },
    });
    // Blocking: the next turn waits for both answers.
    client.send({
      toolResponse: { functionResponses: [{ name: 'lookup', response: { hit: 'b' } }] },
    });
    client.send({
      toolResponse: { functionResponses: [{ name: 'lookup', response: { hit: 'c' } }] },
    });
    const text = await client.next((frame) => frame['serverContent'] !== undefined);
    expect(text).toEqual({
      serverContent: { modelTurn: { role: 'model', parts: [{ text: 'Found all' }] } },
    });
    expect(fake.errors).toEqual([]);
    // A third answer has no call left to answer.
    client.send({
      toolResponse: { functionResponses: [{ name: 'lookup', response: { hit: 'd' } }] },
    });
    expect(await client.closed).toBe(1007);
    expect(fake.errors).toEqual([
      expect.objectContaining({
        rule: 'tool-response-id',
        detail: expect.stringContaining('without an id answers no pending id-less call'),
      }),
    ]);
  });

  it('refuses an id on the answer to an id-less call, and an id-less answer to a call with an id', async () => {
    for (const [call, answer] of [
      [{ id: null }, { id: 'call-1' }],
      [{}, {}],
    ] as const) {
      fake = await createFakeLive({
        script: [[{ toolCalls: [{ name: 'lookup', ...call }] }], [{ text: 'never' }]],
      });
      const client = await connect(fake.url);
      client.send(setup({ tools: [{ functionDeclarations: [{ name: 'lookup' }] }] }));
      client.send({ realtimeInput: { text: 'look it up' } });
      await client.next((frame) => frame['toolCall'] !== undefined);
      client.send({
        toolResponse: { functionResponses: [{ ...answer, name: 'lookup', response: {} }] },
      });
      expect(await client.closed).toBe(1007);
      expect(fake.errors.map(({ rule }) => rule)).toEqual(['tool-response-id']);
      await fake.close();
    }
  });

  it('plays the next turn once a blocking call is answered, and sends a handle after each turn', async () => {
    fake = await createFakeLive({
      script: [[{ toolCalls: [{ name: 'lookup', id: 'c1' }] }], [{ text: 'Found it' }]],
    });
    const client = await connect(fake.url);
    client.send(
      setup({ sessionResumption: {}, tools: [{ functionDeclarations: [{ name: 'lookup' }] }] }),
    );
    await client.next((frame) => frame['sessionResumptionUpdate'] !== undefined);
    client.send({ realtimeInput: { text: 'look it up' } });
    await client.next((frame) => frame['toolCall'] !== undefined);
    client.send({
      toolResponse: { functionResponses: [{ id: 'c1', name: 'lookup', response: { ok: 1 } }] },
    });
    await client.next((frame) => frame['serverContent'] !== undefined);
    const update = await client.next((frame) => frame['sessionResumptionUpdate'] !== undefined);
    expect(update).toEqual({
      sessionResumptionUpdate: { newHandle: 'fake-handle-2', resumable: true },
    });
    client.ws.close();
  });

  it('resumes a session from a handle where the handle left it, and refuses a resume while the old socket is open (1011)', async () => {
    fake = await createFakeLive({ script: [[{ text: 'one' }], [{ text: 'two' }]] });
    const first = await connect(fake.url);
    first.send(setup({ sessionResumption: {} }));
    first.send({ realtimeInput: { text: 'a' } });
    await first.next(
      (frame) =>
        (frame['serverContent'] as { turnComplete?: boolean } | undefined)?.turnComplete === true,
    );
    const update = (await first.next((frame) => frame['sessionResumptionUpdate'] !== undefined))[
      'sessionResumptionUpdate'
    ] as { newHandle: string; lastConsumedClientMessageIndex?: string };
    // No index without `transparent`, which the Gemini API does not take.
    expect(update.lastConsumedClientMessageIndex).toBeUndefined();

    const early = await connect(fake.url);
    early.send(setup({ sessionResumption: { handle: update.newHandle } }));
    expect(await early.closed).toBe(1011);
    expect(fake.errors[0]?.rule).toBe('resume-while-open');

    first.ws.close();
    await first.closed;
    const second = await connect(fake.url);
    second.send(setup({ sessionResumption: { handle: update.newHandle } }));
    second.send({ realtimeInput: { text: 'b' } });
    const text = await second.next((frame) => frame['serverContent'] !== undefined);
    expect(text).toEqual({
      serverContent: { modelTurn: { role: 'model', parts: [{ text: 'two' }] } },
    });
    expect(fake.connections[2]?.resumedHandle).toBe(update.newHandle);
    second.ws.close();
  });

  it('refuses sessionResumption.transparent, which only Vertex AI takes', async () => {
    fake = await createFakeLive({ script: [] });
    const client = await connect(fake.url);
    client.send(setup({ sessionResumption: { transparent: true } }));
    expect(await client.closed).toBe(1007);
    expect(fake.errors[0]?.rule).toBe('transparent-resumption');
  });

  it('refuses an unknown resumption handle', async () => {
    fake = await createFakeLive({ script: [] });
    const client = await connect(fake.url);
    client.send(setup({ sessionResumption: { handle: 'made-up' } }));
    expect(await client.closed).toBe(1007);
    expect(fake.errors[0]?.rule).toBe('resume-handle');
  });

  it('refuses a function declared with parametersJsonSchema', async () => {
    fake = await createFakeLive({ script: [] });
    const client = await connect(fake.url);
    client.send(
      setup({
        tools: [
          { functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object' } }] },
        ],
      }),
    );
    expect(await client.closed).toBe(1007);
    expect(fake.errors[0]?.rule).toBe('openapi-parameters');
  });

  it('mints ephemeral tokens for BidiGenerateContentConstrained: uses counted, resumes free, expiry enforced', async () => {
    let clock = Date.parse('2026-11-25T12:00:00Z');
    fake = await createFakeLive({ script: [[{ text: 'hi' }]], apiKey: 'k', now: () => clock });
    const refused = await fetch(`${fake.url}/v1alpha/auth_tokens`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(401);
    const minted = await fetch(`${fake.url}/v1alpha/auth_tokens`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'k' },
      body: JSON.stringify({ uses: 1 }),
    });
    const token = (await minted.json()) as { name: string; newSessionExpireTime: string };
    // CreateAuthTokenConfig: newSessionExpireTime "defaults to 60 seconds in the future".
    expect(token.newSessionExpireTime).toBe('2026-11-25T12:01:00.000Z');
    /** Opens a Constrained socket with the token, sends `message`: the first frame, or the close code. */
    const talk = async (message: unknown) => {
      const ws = new WebSocket(
        `${fake?.url.replace('http', 'ws')}/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=${token.name}`,
      );
      await new Promise((resolve) => ws.once('open', resolve));
      const answer = new Promise<Record<string, unknown> | number>((resolve) => {
        ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
        ws.once('close', (code) => resolve(code));
      });
      ws.send(JSON.stringify(message));
      return { ws, answer: await answer };
    };
    const first = await talk(setup({ sessionResumption: {} }));
    expect(first.answer).toEqual({ setupComplete: {} });
    expect((await talk(setup())).answer).toBe(1007);
    expect(fake.errors.at(-1)).toMatchObject({
      rule: 'ephemeral-token',
      detail: 'the ephemeral token has no uses left',
    });
    const closed = new Promise((resolve) => first.ws.once('close', resolve));
    first.ws.close();
    await closed;
    await expect.poll(() => fake?.connections[0]?.open, { timeout: 60_000 }).toBe(false);
    // "Resuming a Live API session does not count as a use": the spent token still resumes.
    const resumed = await talk(setup({ sessionResumption: { handle: 'fake-handle-1' } }));
    expect(resumed.answer).toEqual({ setupComplete: {} });
    const resumedClosed = new Promise((resolve) => resumed.ws.once('close', resolve));
    resumed.ws.close();
    await resumedClosed;
    clock += 31 * 60 * 1000;
    expect((await talk(setup({ sessionResumption: { handle: 'fake-handle-1' } }))).answer).toBe(
      1007,
    );
    expect(fake.errors.at(-1)).toMatchObject({ detail: 'the ephemeral token expired' });
  });
});
