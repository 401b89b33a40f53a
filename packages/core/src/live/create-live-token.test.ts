import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import { createLiveToken } from './create-live-token.ts';

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => ({ word, found: true }),
});

describe('ephemeral tokens for a browser', () => {
  it("mints a token locked to the agent's setup; the page opens its session with it, never with the key", async () => {
    const { fake } = await liveFixture({
      script: [[{ text: 'Hi from the page' }]],
      apiKey: 'server-key-0123456789',
    });
    // The server's agent holds the key.
    const serverAgent = createAgent({
      gemini: createGemini({ apiKey: 'server-key-0123456789', baseUrl: fake.url }),
      model: 'gemini-live-test',
      instructions: 'Be kind.',
      tools: [lookup],
    });
    const token = await createLiveToken(serverAgent, { model: 'gemini-3.1-flash-live-preview' });
    expect(token.name).toMatch(/^auth_tokens\//);
    expect(fake.authTokens.get(token.name)?.setup).toMatchObject({
      model: 'models/gemini-3.1-flash-live-preview',
      systemInstruction: { parts: [{ text: 'Be kind.' }] },
    });

    // The page: the same tools, the token as its key, and a model of its own that the lock overrides.
    const pageAgent = createAgent({
      gemini: createGemini({ apiKey: token.name, baseUrl: fake.url }),
      model: 'some-other-model',
      tools: [lookup],
    });
    await using session = await createLiveSession(pageAgent);
    session.sendText('hello');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events[0]).toEqual({ type: 'text-delta', text: 'Hi from the page' });
    expect(fake.connections[0]?.setup).toMatchObject({
      model: 'models/gemini-3.1-flash-live-preview',
    });
    expect(fake.errors).toEqual([]);
  });

  it('a token of one use starts one session; a second is refused', async () => {
    const { fake } = await liveFixture({ script: [[{ text: 'one' }]] });
    const serverAgent = createAgent({
      gemini: createGemini({ apiKey: 'k', baseUrl: fake.url }),
      model: 'm',
    });
    const token = await createLiveToken(serverAgent);
    const pageAgent = createAgent({
      gemini: createGemini({ apiKey: token.name, baseUrl: fake.url }),
      model: 'm',
    });
    const first = await createLiveSession(pageAgent);
    await first.close();
    await expect(createLiveSession(pageAgent)).rejects.toMatchObject({
      reason: 'connect-failed',
      closeCode: 1007,
      closeReason: expect.stringContaining('no uses left'),
      message: expect.stringContaining('access_token=[redacted]'),
    });
  });

  it('a refused key is an ApiCallError that does not show the key', async () => {
    const { fake } = await liveFixture({ script: [], apiKey: 'the-right-key' });
    const secret = 'AIzaSy-the-wrong-key-0123456789';
    const serverAgent = createAgent({
      gemini: createGemini({ apiKey: secret, baseUrl: fake.url }),
      model: 'm',
    });
    const error = await createLiveToken(serverAgent).catch((thrown: unknown) => thrown);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(401);
    expect(JSON.stringify((error as ApiCallError).toJSON())).not.toContain(secret);
  });
});
