// The live voice page (bundled by voice-app.ts): Start asks the server for an ephemeral token,
// opens a Gemini Live session with it straight from the browser (the platform WebSocket, the
// constrained endpoint), streams the microphone as 16 kHz 16-bit PCM (`realtimeInput.audio`) and
// plays the model's 24 kHz PCM with Web Audio. Stop ends the microphone's stream
// (`audioStreamEnd`); with Google's voice activity detection on, the model also answers on its own
// when you pause. The page never holds the API key: only the token, good for one session.

import { createAgent, createGemini } from '@gemloop/core';
import { createLiveSession, type LiveEvent, type LiveSession } from '@gemloop/core/live';

/** What the page did (`globalThis.liveVoice`), for a person reading the log and for the Chromium test. */
export type VoiceState = {
  status: string;
  /** Microphone chunks sent, and their PCM bytes. */
  chunksSent: number;
  bytesSent: number;
  /** Model audio samples scheduled for playback, and the first few (as 16-bit values). */
  samplesPlayed: number;
  firstSamples: number[];
  events: string[];
};

const state: VoiceState = {
  status: 'idle',
  chunksSent: 0,
  bytesSent: 0,
  samplesPlayed: 0,
  firstSamples: [],
  events: [],
};
(globalThis as unknown as { liveVoice: VoiceState }).liveVoice = state;

/** The microphone's rate for the Live API: "Input audio is natively 16kHz" (Google's Live docs). */
const INPUT_RATE = 16_000;
/** Samples per chunk sent: 100 ms, a size Google's examples use. */
const CHUNK_SAMPLES = 1600;

// Copies each render quantum of the microphone to the page (an AudioWorklet: the audio thread
// never waits on the page's work).
const TAP = `registerProcessor('gemloop-mic-tap', class extends AudioWorkletProcessor {
  process(inputs) { const channel = inputs[0] && inputs[0][0]; if (channel) this.port.postMessage(channel.slice(0)); return true; }
});`;

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const setStatus = (status: string) => {
  state.status = status;
  $('status').textContent = status;
};

let session: LiveSession | undefined;
let microphone: MediaStream | undefined;
let audio: AudioContext | undefined;
let playAt = 0;
const playing = new Set<AudioBufferSourceNode>();

$('start').addEventListener('click', () => {
  start().catch((error: unknown) => setStatus(`failed: ${String(error)}`));
});
$('stop').addEventListener('click', () => {
  for (const track of microphone?.getTracks() ?? []) track.stop();
  microphone = undefined;
  session?.endAudio();
  ($('stop') as HTMLButtonElement).disabled = true;
  setStatus('listening to the agent');
});

async function start(): Promise<void> {
  ($('start') as HTMLButtonElement).disabled = true;
  setStatus('starting');
  // The server checks who asks and mints a token for one session; the key stays there.
  const answer = await fetch('/token', { method: 'POST' });
  if (!answer.ok) throw new Error(`no token (${answer.status})`);
  const { token, liveBaseUrl, model } = (await answer.json()) as {
    token: string;
    liveBaseUrl: string;
    model: string;
  };
  // An `auth_tokens/...` key opens BidiGenerateContentConstrained with ?access_token=, on v1alpha.
  const agent = createAgent({
    gemini: createGemini({ apiKey: token, baseUrl: liveBaseUrl }),
    model,
  });
  // Created in the click (a user gesture), so the browser lets it play.
  audio = new AudioContext();
  await audio.resume();
  session = await createLiveSession(agent, { model, modality: 'audio' });
  void readEvents(session);
  await streamMicrophone(audio, session);
  ($('stop') as HTMLButtonElement).disabled = false;
  setStatus('listening to you');
}

async function streamMicrophone(context: AudioContext, live: LiveSession): Promise<void> {
  microphone = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
  });
  const url = URL.createObjectURL(new Blob([TAP], { type: 'text/javascript' }));
  await context.audioWorklet.addModule(url);
  URL.revokeObjectURL(url);
  const tap = new AudioWorkletNode(context, 'gemloop-mic-tap');
  context.createMediaStreamSource(microphone).connect(tap);
  const toPcm = createDownsampler(context.sampleRate, INPUT_RATE);
  let pending: number[] = [];
  tap.port.onmessage = ({ data }: MessageEvent<Float32Array>) => {
    if (microphone === undefined) return;
    pending = pending.concat(toPcm(data));
    while (pending.length >= CHUNK_SAMPLES) {
      const chunk = Int16Array.from(pending.slice(0, CHUNK_SAMPLES));
      pending = pending.slice(CHUNK_SAMPLES);
      const bytes = new Uint8Array(chunk.buffer);
      live.sendAudio(bytes, `audio/pcm;rate=${INPUT_RATE}`);
      state.chunksSent += 1;
      state.bytesSent += bytes.byteLength;
    }
  };
}

/**
 * Resamples the microphone's float samples (at the context's rate, often 48 kHz) to 16-bit PCM
 * at `to` Hz: each output sample is the mean of the input samples its interval covers (a box
 * filter, enough against aliasing for speech at these rates), carried across calls.
 */
function createDownsampler(from: number, to: number): (input: Float32Array) => number[] {
  const step = from / to;
  let position = 0;
  let sum = 0;
  let count = 0;
  return (input) => {
    const output: number[] = [];
    for (const sample of input) {
      sum += sample;
      count += 1;
      position += 1;
      if (position >= step) {
        position -= step;
        const mean = Math.max(-1, Math.min(1, sum / count));
        output.push(Math.round(mean < 0 ? mean * 0x8000 : mean * 0x7fff));
        sum = 0;
        count = 0;
      }
    }
    return output;
  };
}

async function readEvents(live: LiveSession): Promise<void> {
  try {
    for await (const event of live) onEvent(event);
    setStatus('ended');
  } catch (error) {
    setStatus(`failed: ${String(error)}`);
  }
}

function onEvent(event: LiveEvent): void {
  state.events.push(event.type);
  switch (event.type) {
    case 'input-transcript':
      $('you').textContent += event.text;
      break;
    case 'output-transcript':
      $('agent').textContent += event.text;
      break;
    case 'audio':
      play(event.data, event.mimeType);
      break;
    case 'interrupted':
      // The user spoke over the model: what is queued is no longer wanted.
      for (const source of playing) source.stop();
      playing.clear();
      playAt = 0;
      break;
    case 'turn-end':
      setStatus('answered');
      break;
    default:
      $('log').textContent += `${event.type}\n`;
  }
}

/** Plays a chunk of the model's 16-bit little-endian PCM after the chunks before it. */
function play(base64: string, mimeType: string): void {
  const context = audio;
  if (context === undefined) return;
  const rate = Number(/rate=(\d+)/.exec(mimeType)?.[1] ?? 24_000);
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const samples = new Int16Array(bytes.buffer, 0, bytes.byteLength >> 1);
  if (samples.length === 0) return;
  if (state.firstSamples.length < 8) state.firstSamples.push(...samples.slice(0, 8));
  const buffer = context.createBuffer(1, samples.length, rate);
  const channel = buffer.getChannelData(0);
  for (let index = 0; index < samples.length; index += 1)
    channel[index] = (samples[index] as number) / 0x8000;
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.connect(context.destination);
  playAt = Math.max(playAt, context.currentTime);
  source.start(playAt);
  playAt += buffer.duration;
  playing.add(source);
  source.onended = () => playing.delete(source);
  state.samplesPlayed += samples.length;
}
