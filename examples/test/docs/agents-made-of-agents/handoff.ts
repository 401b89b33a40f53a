// Guide "Agents made of agents": handoffs.
import { createAgent, createGemini } from '@gemloop/core';
import { handoff } from '@gemloop/core/composition';

const gemini = createGemini();
const model = 'gemini-3-flash-preview';
const billing = createAgent({ gemini, model, name: 'billing', instructions: 'Invoices, refunds.' });
const support = createAgent({ gemini, model, name: 'support', instructions: 'Product problems.' });
const triage = createAgent({
  gemini,
  model,
  name: 'triage',
  tools: [handoff(billing), handoff(support, { description: 'Product problems.' })],
});

export { triage };
