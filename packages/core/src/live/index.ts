// @gemloop/core/live: an agent as a Gemini Live session (BidiGenerateContent over a WebSocket):
// the same tools, instructions and model options, typed events, resumption across connections,
// and background (NON_BLOCKING) tools.

export type { LiveSession, LiveSessionOptions } from './create-live-session.ts';
export { createLiveSession } from './create-live-session.ts';
export type { LiveEvent, LiveToolBehavior, LiveToolScheduling } from './live-event.ts';
export type { LiveSessionErrorReason } from './live-session-error.ts';
export { LiveSessionError } from './live-session-error.ts';
export { DEFAULT_LIVE_CONTEXT_WINDOW } from './live-setup.ts';
