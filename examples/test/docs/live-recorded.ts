// docs/live-agents.md, "Recorded and shown in gemloop view" (typechecked only: it needs the Live
// API; packages/core/src/recorder/create-live-recorder.test.ts records a session of the fake).
import { createAgent, createGemini } from '@gemloop/core';
import { recordLiveSession } from '@gemloop/core/live';
import { createLiveRecorder } from '@gemloop/core/recorder';

const agent = createAgent({ gemini: createGemini(), model: 'gemini-3.1-flash-live-preview' });

const recorder = createLiveRecorder(); // .gemloop/runs, beside the run files
const session = await recordLiveSession(agent, {
  recorder,
  model: 'gemini-3.1-flash-live-preview',
});

export { session };
