// @gemloop/testing: the fake Gemini API (a test double), its turn builders, its faults and
// the contract checks it applies. The dev model (the demo simulator) is behind ./dev-model.

export type { FakeGemini } from './create-fake-gemini.ts';
export { createFakeGemini } from './create-fake-gemini.ts';
export { GOOGLE_GEMINI_BASE_URL } from './create-fake-msw-handlers.ts';
export type { FakeMswHandler } from './fake-msw-handler.ts';
export type { FakeHttpError } from './fake-errors.ts';
export { googleError } from './fake-errors.ts';
export type { FakeCallInfo, FakeFault, FakeFaultRule } from './fake-faults.ts';
export { GATEWAY_MISTAKES as FAKE_GATEWAY_MISTAKES } from './fake-gateway-mistakes.ts';
export type { FakeGatewayMistake } from './fake-types.ts';
export type {
  FakeFunctionCall,
  FakeGroundingSource,
  FakeTurn,
  FakeTurnOptions,
} from './fake-turn.ts';
export { turn } from './fake-turn.ts';
export type {
  CreateFakeGeminiOptions,
  FakeFileInfo,
  FakeFilesApiOptions,
  FakeModels,
  FakeRecordedRequest,
  FakeScript,
  FakeScriptContext,
  FakeScriptFunction,
  FakeScriptRequest,
} from './fake-types.ts';
export type { FakeAgentRoute } from './route-by-agent.ts';
export { routeByAgent } from './route-by-agent.ts';
export type { FakeServerAddress } from './serve-fake-over-http.ts';
