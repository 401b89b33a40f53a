// packages/cli README: recording runs for gemloop view (typechecked only).
import { createGemini } from '@gemloop/core';
import { createCalculatorTool } from '@gemloop/tools';

const gemini = createGemini({ apiKey: 'not-used' });
const model = 'gemini-3-flash-preview';
const tools = [createCalculatorTool()];

import { createAgent } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';

const agent = createAgent({ gemini, model, tools, recorder: createRunRecorder() });
console.log(typeof agent.run);
