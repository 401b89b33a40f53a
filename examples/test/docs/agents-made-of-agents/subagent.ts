// Guide "Agents made of agents": a subagent.
import { createAgent, createGemini } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';

const gemini = createGemini();
const model = 'gemini-3-flash-preview';
const searcher = createAgent({
  gemini,
  model,
  name: 'searcher',
  instructions: 'Answer one question.',
});
const research = createAgent({
  gemini,
  model,
  instructions: 'Send one searcher per topic, then summarise.',
  tools: [subagent(searcher, { name: 'search', description: 'Answers one factual question.' })],
});

export { research };
