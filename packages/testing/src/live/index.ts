// @gemloop/testing/live: a fake Gemini Live API (BidiGenerateContent over a WebSocket on
// 127.0.0.1), scripted turn by turn, with the protocol's contract enforced. Node only (ws).

export type { FakeLive } from './create-fake-live.ts';
export { createFakeLive } from './create-fake-live.ts';
export type {
  CreateFakeLiveOptions,
  FakeLiveConnection,
  FakeLiveStep,
  FakeLiveTurn,
} from './fake-live-script.ts';
export type { LiveRule } from './live-rules.ts';
export { LIVE_RULES } from './live-rules.ts';
