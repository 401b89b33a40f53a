import { writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { createAgent, createGemini } from '@gemloop/core';
import { createFakeLive, type FakeLive } from '@gemloop/testing/live';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVoiceApp, type VoiceApp } from '../../examples/live/voice-app.ts';
import type { VoiceState } from '../../examples/live/voice-page.ts';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';
import { fakeMicrophonePath } from '../../packages/cli/src/view/__fixtures__/shared-chromium.ts';

// The live voice example in Debian's Chromium, its microphone the fake capture device playing a
// WAV this test writes: the page gets an ephemeral token from its server, opens the constrained
// Live endpoint itself, streams the microphone as 16 kHz PCM and plays the model's 24 kHz PCM.
// The fake Live server checks the token and records every frame.

const API_KEY = 'server-only-key-0123456789abcdefABCDEF';
const MODEL = 'gemini-3.1-flash-live-preview';
/** The fake microphone's tone: what reaches the server must still be it. */
const TONE_HZ = 1000;

/** `seconds` of a mono 16-bit 48 kHz WAV: a TONE_HZ sine at half scale. */
function toneWav(seconds: number): Buffer {
  const rate = 48_000;
  const samples = Math.round(rate * seconds);
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let index = 0; index < samples; index += 1) {
    const value = Math.round(0.5 * 0x7fff * Math.sin((2 * Math.PI * TONE_HZ * index) / rate));
    wav.writeInt16LE(value, 44 + index * 2);
  }
  return wav;
}

/** The model's answer: 0.2 s of 24 kHz 16-bit PCM, a ramp the page must play sample for sample. */
const MODEL_SAMPLES = Int16Array.from({ length: 4800 }, (_, index) => (index % 200) * 100 - 10_000);
const MODEL_AUDIO = Buffer.from(MODEL_SAMPLES.buffer).toString('base64');

/** Zero crossings per second of 16-bit PCM at 16 kHz: twice the frequency of a pure tone. */
function crossingsPerSecond(pcm: Buffer): number {
  let crossings = 0;
  let previous = pcm.readInt16LE(0);
  for (let offset = 2; offset + 1 < pcm.length; offset += 2) {
    const sample = pcm.readInt16LE(offset);
    if ((previous < 0 && sample >= 0) || (previous >= 0 && sample < 0)) crossings += 1;
    previous = sample;
  }
  return crossings / (pcm.length / 2 / 16_000);
}

describe('live voice in Chromium (ephemeral token, fake microphone, Web Audio out)', () => {
  let chromium: BrowserSession;
  let fake: FakeLive;
  let app: VoiceApp;
  beforeAll(async () => {
    // Written before any page asks for the microphone; renamed in place, never half-written.
    const microphone = fakeMicrophonePath();
    writeFileSync(`${microphone}.next`, toneWav(2));
    await rename(`${microphone}.next`, microphone);
    fake = await createFakeLive({
      apiKey: API_KEY,
      script: [
        [
          { inputTranscript: 'Hello there', finished: true },
          { audio: MODEL_AUDIO },
          { outputTranscript: 'Hi! How can I help?', finished: true },
        ],
      ],
    });
    const gemini = createGemini({ apiKey: API_KEY, baseUrl: fake.url, retry: false });
    const agent = createAgent({ gemini, model: MODEL, instructions: 'Be brief.' });
    [chromium, app] = await Promise.all([
      openBrowserContext(),
      startVoiceApp({ agent, model: MODEL, liveBaseUrl: fake.url }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), app?.close(), fake?.close()]);
  });

  it('streams the microphone to the Live server and plays the answer; the page never sees the key', async () => {
    const page = await chromium.context.newPage();
    // Everything the page sent or received: requests, responses, WebSocket URLs and frames.
    const seen: string[] = [];
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => seen.push(request.url(), request.postData() ?? ''));
    page.on('response', (response) => {
      seen.push(JSON.stringify(response.headers()));
      response.text().then(
        (text) => seen.push(text),
        () => {},
      );
    });
    const sockets: string[] = [];
    page.on('websocket', (socket) => {
      sockets.push(socket.url());
      socket.on('framesent', ({ payload }) => seen.push(String(payload)));
      socket.on('framereceived', ({ payload }) => seen.push(String(payload)));
    });
    await page.goto(app.url);
    await page.click('#start');
    await page.waitForFunction(
      () => (globalThis as unknown as { liveVoice: VoiceState }).liveVoice.chunksSent >= 10,
      undefined,
      { timeout: 60_000 },
    );
    await page.click('#stop');
    await page.waitForFunction(
      () => (globalThis as unknown as { liveVoice: VoiceState }).liveVoice.status === 'answered',
      undefined,
      { timeout: 60_000 },
    );
    const state = await page.evaluate(
      () => (globalThis as unknown as { liveVoice: VoiceState }).liveVoice,
    );
    expect(pageErrors).toEqual([]);

    // One token, minted by the server with its key and used by the page's one session, which
    // opened the constrained endpoint on v1alpha with it.
    expect(app.tokensMinted).toBe(1);
    const [token] = [...fake.authTokens.values()];
    expect(token?.used).toBe(1);
    expect(sockets).toEqual([
      `${fake.url.replace('http', 'ws')}/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=${encodeURIComponent(token?.name ?? '')}`,
    ]);
    expect(fake.errors).toEqual([]);

    // The fake microphone's audio reached the server as 16 kHz 16-bit PCM, still the tone.
    const connection = fake.connections[0];
    const audio = (connection?.messages ?? []).flatMap((message) => {
      const chunk = (message['realtimeInput'] as { audio?: { data: string; mimeType: string } })
        ?.audio;
      return chunk === undefined ? [] : [chunk];
    });
    expect(audio.length).toBe(state.chunksSent);
    expect(new Set(audio.map((chunk) => chunk.mimeType))).toEqual(
      new Set(['audio/pcm;rate=16000']),
    );
    const pcm = Buffer.concat(audio.map((chunk) => Buffer.from(chunk.data, 'base64')));
    expect(pcm.length).toBe(state.bytesSent);
    expect(pcm.length).toBe(audio.length * 3200);
    // The last half: past the capture's start and any processing's settling.
    const steady = pcm.subarray(Math.floor(pcm.length / 4) * 2);
    expect(crossingsPerSecond(steady) / 2).toBeGreaterThan(TONE_HZ * 0.9);
    expect(crossingsPerSecond(steady) / 2).toBeLessThan(TONE_HZ * 1.1);
    expect(connection?.messages.at(-1)).toEqual({ realtimeInput: { audioStreamEnd: true } });

    // The model's audio and transcripts reached the page: every sample scheduled, as sent.
    expect(state.samplesPlayed).toBe(MODEL_SAMPLES.length);
    expect(state.firstSamples).toEqual([...MODEL_SAMPLES.slice(0, 8)]);
    expect(await page.textContent('#you')).toBe('Hello there');
    expect(await page.textContent('#agent')).toBe('Hi! How can I help?');
    expect(state.events).toEqual(
      expect.arrayContaining(['input-transcript', 'audio', 'output-transcript', 'turn-end']),
    );

    // Nothing the page sent or received holds the API key: only the token did.
    await page.close();
    const everything = seen.join('\n');
    expect(everything).toContain(token?.name ?? 'no token');
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(API_KEY.slice(0, 16));
  });
});
