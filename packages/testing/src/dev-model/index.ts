// @gemloop/testing/dev-model: scripts for the fake Gemini that play a model offline, so any app
// can be developed without an API key: the demo simulator (`demoModel`, `gemloop fake`'s
// default), the probe model that answers `gemloop probe`'s checks, and an echo.

// The type these models are, so a library that exports one names it here.
export type { FakeScriptFunction } from '../script/fake-types.ts';
export type { DemoModelOptions } from './demo-model.ts';
export { DEMO_MODEL_VERSION, demoModel } from './demo-model.ts';
export { ECHO_MODEL_VERSION, echoModel } from './echo-model.ts';
export { PROBE_MODEL_VERSION, probeModel } from './probe-model.ts';
