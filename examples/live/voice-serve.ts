// A voice page on Gemini Live: open the printed URL, press Start, speak, press Stop. The server
// (voice-app.ts) keeps the API key and mints one ephemeral token per session; the page
// (voice-page.ts) opens its own Live session with it, sends the microphone as 16 kHz PCM and
// plays the model's 24 kHz audio. The key never reaches the page.
//
//   node scripts/run-example.mjs live-voice            # then open the printed URL
//
// With GEMINI_API_KEY set the page talks to Google's Live API (--model, default
// gemini-3.1-flash-live-preview); without, gemloop's fake Live server answers with a short tone
// and a transcript, offline. Tested in Chromium with a fake microphone: test/runtimes/live-voice.test.ts.

import { createAgent, createGemini } from '@gemloop/core';
import { createFakeLive } from '@gemloop/testing/live';
import { resolveConnection } from '../lib/resolve-connection.ts';
import { runScript } from '../lib/run.ts';
import { startVoiceApp } from './voice-app.ts';

const LIVE_MODEL = 'gemini-3.1-flash-live-preview';
const GOOGLE = 'https://generativelanguage.googleapis.com';

/** 0.5 s of a 440 Hz tone as 24 kHz 16-bit PCM, base64: the fake model's voice. */
function tone(): string {
  const samples = Int16Array.from({ length: 12_000 }, (_, index) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 440 * index) / 24_000)),
  );
  return Buffer.from(samples.buffer).toString('base64');
}

await runScript(
  async ({ flags }) => {
    const settings = resolveConnection({
      env: process.env,
      model: flags.model,
      offline: flags.offline,
    });
    const model = flags.model ?? LIVE_MODEL;
    const fake =
      settings.mode === 'offline'
        ? await createFakeLive({
            apiKey: 'offline-fake-key',
            script: Array.from({ length: 20 }, () => [
              { inputTranscript: '(what you said)', finished: true },
              { audio: tone() },
              { outputTranscript: 'This is the offline fake answering.', finished: true },
            ]),
          })
        : undefined;
    try {
      const gemini =
        settings.mode === 'online'
          ? createGemini({ apiKey: settings.apiKey })
          : createGemini({ apiKey: 'offline-fake-key', baseUrl: (fake as { url: string }).url });
      const agent = createAgent({
        gemini,
        model,
        instructions: 'You are a friendly voice assistant. Answer in one or two sentences.',
      });
      const app = await startVoiceApp({
        agent,
        model,
        liveBaseUrl: fake?.url ?? GOOGLE,
        port: flags.port ?? 8789,
      });
      console.log(
        settings.mode === 'online'
          ? `Online: ${model} on Google's Live API, key from ${settings.keySource} (kept on this server).`
          : `Offline: no GEMINI_API_KEY set, using gemloop's fake Live server on ${fake?.url}.`,
      );
      console.log(`Open ${app.url} (Ctrl-C stops the server).`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await app.close();
    } finally {
      await fake?.close();
    }
  },
  {
    description: 'A voice page on Gemini Live: ephemeral token, microphone in, audio out.',
    flags: {
      model: { type: 'string', description: `Live model (default: ${LIVE_MODEL}).` },
      offline: { type: 'boolean', description: 'Use the fake Live server even when a key is set.' },
      port: { type: 'string', description: 'Port (default 8789; 0: any free port).' },
    },
  },
);
