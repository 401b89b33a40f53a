// @gemloop/testing/dev-model: the dev model, a script for the fake Gemini that plays a plausible
// model offline (the demo simulator), and the probe model that answers `gemloop probe`'s checks.
// `gemloop fake` serves them; any app can be developed against them without an API key.

export type { DemoModelOptions } from './demo-model.ts';
export { DEMO_MODEL_VERSION, demoModel } from './demo-model.ts';
