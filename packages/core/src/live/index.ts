// @gemloop/core/live: an agent as a Gemini Live session (BidiGenerateContent over a WebSocket):
// the same tools, instructions and model options, typed events, resumption across connections,
// background (NON_BLOCKING) tools, and ephemeral tokens for browsers.

export type { LiveSession } from './create-live-session.ts';
export { createLiveSession } from './create-live-session.ts';
export type { LiveToken, LiveTokenOptions } from './create-live-token.ts';
export { createLiveToken } from './create-live-token.ts';
export type { LiveCost, LivePrice, LiveUsage } from './live-cost.ts';
export { LIVE_PRICES, liveCostOf } from './live-cost.ts';
export type { LiveEvent, LiveToolBehavior, LiveToolScheduling } from './live-event.ts';
export type { LiveSessionErrorReason } from './live-session-error.ts';
export { LiveSessionError } from './live-session-error.ts';
export type { LivePendingCall, LiveSessionOptions } from './live-session-options.ts';
export { DEFAULT_LIVE_CONTEXT_WINDOW } from './live-setup.ts';
export type { RecordedLiveSessionOptions } from './record-live-session.ts';
export { recordLiveSession } from './record-live-session.ts';
export { nextIdlessKey } from './session/next-idless-key.ts';
