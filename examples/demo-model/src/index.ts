// @gemloop/demo-model: the offline demo model, a script for the fake Gemini server of
// @gemloop/testing. Private to this repository: the demo, the chat and the examples use it.

export type { DemoModelOptions } from './demo-model.ts';
export { DEMO_MODEL_VERSION, demoModel } from './demo-model.ts';
