import { createAgent, createGemini } from '@gemloop/core';

// The agent `gemloop estimate` tests load: its client goes to the fake Gemini whose URL the test
// puts in the environment before loading it.
export default createAgent({
  gemini: createGemini({
    baseUrl: process.env['GEMLOOP_ESTIMATE_TEST_URL'] ?? 'http://127.0.0.1:9',
    apiKey: 'test-key',
    retry: false,
  }),
  model: 'gemini-3-flash-preview',
  name: 'planner',
  instructions: 'You plan trips.',
});
