// @gemloop/testing: the fake Gemini API (a test double), its turn builders, its faults and
// the contract checks it applies. The dev model (the demo simulator) is behind ./dev-model.

export type { FakeGemini } from './create-fake-gemini.ts';
export type { FakeWebhookDelivery } from './state/fake-webhook.ts';
export type { CountedOptions } from './count-option-reads.ts';
export { countOptionReads } from './count-option-reads.ts';
export { settles } from './settles.ts';
export { preloadRunPath } from './preload-run-path.ts';
export { createFakeGemini } from './create-fake-gemini.ts';
export { GOOGLE_GEMINI_BASE_URL } from './serve/create-fake-msw-handlers.ts';
export type { FakeMswHandler } from './serve/fake-msw-handler.ts';
export type { FakeHttpError } from './script/fake-errors.ts';
export { googleError } from './script/fake-errors.ts';
export type { FakeCallInfo, FakeFault, FakeFaultRule } from './script/fake-faults.ts';
export { GATEWAY_MISTAKES as FAKE_GATEWAY_MISTAKES } from './serve/fake-gateway-mistakes.ts';
export type { FakeEmbed, FakeGatewayMistake } from './script/fake-types.ts';
export type {
  FakeFunctionCall,
  FakeGroundingSource,
  FakeTurn,
  FakeTurnOptions,
} from './script/fake-turn.ts';
export { turn } from './script/fake-turn.ts';
export type {
  CreateFakeGeminiOptions,
  FakeFileInfo,
  FakeFileSearchResult,
  FakeFilesApiOptions,
  FakeInteractionsOptions,
  FakeModels,
  FakeRecordedRequest,
  FakeScript,
  FakeScriptContext,
  FakeScriptFunction,
  FakeScriptRequest,
} from './script/fake-types.ts';
export type { FakeAgentRoute } from './script/route-by-agent.ts';
export { routeByAgent } from './script/route-by-agent.ts';
export { DEFAULT_FAKE_MAX_BODY_BYTES } from './serve/fake-max-body-bytes.ts';
export type { DripParts, DripTarget } from './serve/drip-response.ts';
export { dripResponse } from './serve/drip-response.ts';
export type { LoopbackServer } from './serve/listen-on-loopback.ts';
export { listenOnLoopback } from '#platform/listen-on-loopback';
export type { FakeServerAddress } from './serve/serve-fake-over-http.ts';
