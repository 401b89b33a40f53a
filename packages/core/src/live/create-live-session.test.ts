import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';
import { LiveSessionError } from './live-session-error.ts';

const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, celsius: 21 }),
});

describe('createLiveSession', () => {
  it("opens the agent's tools, instructions and model options as the setup, and streams a text turn", async () => {
    const { fake, agent } = await liveFixture(
      { script: [[{ text: 'Bonjour' }, { text: '!' }, { usage: { totalTokenCount: 12 } }]] },
      { instructions: 'Be brief.', tools: [weather], generationConfig: { temperature: 0.2 } },
    );
    await using session = await createLiveSession(agent, {
      model: 'gemini-3.1-flash-live-preview',
    });
    session.sendText('Hello');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events).toEqual([
      { type: 'text-delta', text: 'Bonjour' },
      { type: 'text-delta', text: '!' },
      {
        type: 'usage',
        usage: { totalTokenCount: 12 },
        // No counted tokens: nothing priced.
        cost: {
          currency: 'USD',
          total: '0',
          input: '0',
          audioInput: '0',
          output: '0',
          audioOutput: '0',
          thinking: '0',
        },
      },
      { type: 'turn-end', reason: undefined },
    ]);
    const setup = fake.connections[0]?.setup as Record<string, unknown>;
    expect(setup).toMatchObject({
      model: 'models/gemini-3.1-flash-live-preview',
      generationConfig: { temperature: 0.2, responseModalities: ['TEXT'] },
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      sessionResumption: {},
      // 80 % of the 131072 tokens assumed for a Live model gemloop does not know.
      contextWindowCompression: { triggerTokens: '104857', slidingWindow: {} },
    });
    // The Live API takes `parameters` (the OpenAPI subset), never parametersJsonSchema.
    expect(setup['tools']).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Current weather for a city.',
            parameters: {
              type: 'OBJECT',
              properties: { city: { type: 'STRING' } },
              required: ['city'],
            },
          },
        ],
      },
    ]);
    expect(messagesOf(fake, 0, 'realtimeInput')).toEqual([{ realtimeInput: { text: 'Hello' } }]);
    expect(fake.errors).toEqual([]);
  });

  it('answers a blocking tool call as a run does, with the call id, then plays the next turn', async () => {
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'get_weather', args: { city: 'Paris' }, id: 'w1' }] }],
          [{ text: '21 degrees' }],
        ],
      },
      { tools: [weather] },
    );
    await using session = await createLiveSession(agent);
    session.sendText('Weather in Paris?');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events).toEqual([
      {
        type: 'tool-call',
        toolCallId: 'w1',
        toolName: 'get_weather',
        args: { city: 'Paris' },
        behavior: 'BLOCKING',
      },
      {
        type: 'tool-result',
        toolCallId: 'w1',
        toolName: 'get_weather',
        output: { city: 'Paris', celsius: 21 },
        scheduling: undefined,
      },
      { type: 'text-delta', text: '21 degrees' },
      { type: 'turn-end', reason: undefined },
    ]);
    expect(messagesOf(fake, 0, 'toolResponse')).toEqual([
      {
        toolResponse: {
          functionResponses: [
            { id: 'w1', name: 'get_weather', response: { city: 'Paris', celsius: 21 } },
          ],
        },
      },
    ]);
    expect(fake.errors).toEqual([]);
  });

  it('answers a call to no tool, or with bad arguments, with an error the model sees', async () => {
    const { fake, agent } = await liveFixture(
      {
        script: [
          [
            {
              toolCalls: [
                { name: 'nope', id: 'n1' },
                { name: 'get_weather', args: { town: 1 }, id: 'b1' },
              ],
            },
          ],
          [{ text: 'sorry' }],
        ],
      },
      { tools: [weather] },
    );
    await using session = await createLiveSession(agent);
    session.sendText('?');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(
      events
        .filter((event) => event.type === 'tool-error')
        .map((event) => event.type === 'tool-error' && event.outcome),
    ).toEqual(['unknown-tool', 'invalid-args']);
    const [response] = messagesOf(fake, 0, 'toolResponse') as {
      toolResponse: { functionResponses: { id: string; response: { error?: string } }[] };
    }[];
    expect(response?.toolResponse.functionResponses.map((answer) => answer.id)).toEqual([
      'n1',
      'b1',
    ]);
    expect(response?.toolResponse.functionResponses[0]?.response.error).toMatch(
      /no tool named "nope"/,
    );
  });

  it("applies the agent's beforeToolCall to live calls: a denial answers with its message", async () => {
    const { fake, agent } = await liveFixture(
      {
        script: [
          [{ toolCalls: [{ name: 'get_weather', args: { city: 'Oslo' }, id: 'd1' }] }],
          [{ text: 'I may not.' }],
        ],
      },
      {
        tools: [weather],
        beforeToolCall: ({ args }) =>
          (args as { city: string }).city === 'Oslo'
            ? { type: 'deny', message: 'Not Oslo.' }
            : undefined,
      },
    );
    await using session = await createLiveSession(agent);
    session.sendText('Weather in Oslo?');
    const events = await readUntil(
      session[Symbol.asyncIterator](),
      (event) => event.type === 'turn-end',
    );
    expect(events[1]).toEqual({
      type: 'tool-error',
      toolCallId: 'd1',
      toolName: 'get_weather',
      outcome: 'denied',
      message: 'Not Oslo.',
    });
    expect(messagesOf(fake, 0, 'toolResponse')[0]).toMatchObject({
      toolResponse: { functionResponses: [{ id: 'd1', response: { error: 'Not Oslo.' } }] },
    });
  });

  it('sends audio as base64 PCM and yields audio chunks, transcripts and interruptions', async () => {
    const pcm = Buffer.from([1, 2, 3, 4]).toString('base64');
    const { fake, agent } = await liveFixture({
      script: [
        [
          { inputTranscript: 'hello', finished: true },
          { audio: pcm },
          { outputTranscript: 'Hi' },
          { awaitInterruption: true },
        ],
        [{ text: 'ok' }],
      ],
    });
    await using session = await createLiveSession(agent, { modality: 'audio' });
    session.sendAudio(new Uint8Array([0, 1, 255]));
    session.endAudio();
    const iterator = session[Symbol.asyncIterator]();
    const first = await readUntil(iterator, (event) => event.type === 'output-transcript');
    expect(first).toEqual([
      { type: 'input-transcript', text: 'hello', finished: true },
      { type: 'audio', data: pcm, mimeType: 'audio/pcm;rate=24000' },
      { type: 'output-transcript', text: 'Hi', finished: false },
    ]);
    session.sendText('wait');
    const second = await readUntil(iterator, (event) => event.type === 'turn-end');
    expect(second[0]).toEqual({ type: 'interrupted' });
    const setup = fake.connections[0]?.setup as Record<string, unknown>;
    expect(setup).toMatchObject({
      generationConfig: { responseModalities: ['AUDIO'] },
      inputAudioTranscription: {},
      outputAudioTranscription: {},
    });
    expect(messagesOf(fake, 0, 'realtimeInput').slice(0, 2)).toEqual([
      { realtimeInput: { audio: { data: 'AAH/', mimeType: 'audio/pcm;rate=16000' } } },
      { realtimeInput: { audioStreamEnd: true } },
    ]);
  });

  it('fails with a LiveSessionError that never shows the key when the server refuses it', async () => {
    const { fake } = await liveFixture({ script: [], apiKey: 'the-right-key' });
    const secret = 'AIzaSy-wrong-secret-key-0123456789';
    const agent = createAgent({
      gemini: createGemini({ apiKey: secret, baseUrl: fake.url }),
      model: 'm',
    });
    const error = await createLiveSession(agent).catch((thrown: unknown) => thrown);
    expect(LiveSessionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'connect-failed', closeCode: 1008 });
    expect((error as Error).message).toContain('key=[redacted]');
    expect(JSON.stringify((error as LiveSessionError).toJSON())).not.toContain(secret);
    expect((error as Error).message).not.toContain(secret);
  });

  it('refuses an agent gemloop did not make, and a toolBehavior naming no tool', async () => {
    const stranger = { model: 'm', run: async () => ({}), stream: () => ({}) } as never;
    await expect(createLiveSession(stranger)).rejects.toMatchObject({
      code: 'invalid-argument',
      argument: 'agent',
    });
    const { agent } = await liveFixture({ script: [] }, { tools: [weather] });
    await expect(
      createLiveSession(agent, { toolBehavior: { get_wether: 'NON_BLOCKING' } }),
    ).rejects.toMatchObject({
      argument: 'toolBehavior',
      message: expect.stringContaining('get_weather'),
    });
  });
});
