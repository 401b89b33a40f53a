// Guide "Agents made of agents": plain-code workflows over agent.run().
import { createAgent, createGemini } from '@gemloop/core';
import { z } from 'zod';

const gemini = createGemini();
const model = 'gemini-3-flash-preview';
const question = 'I was charged twice.';
const topic = 'Electric ferries';
const task = 'Explain tides to a child.';
const topics = ['Lyon', 'Lille', 'Nantes'];
const signal = AbortSignal.timeout(60_000);
const router = createAgent({
  gemini,
  model,
  instructions: 'Classify the question.',
  output: z.enum(['billing', 'support']),
});
const billing = createAgent({ gemini, model, instructions: 'Invoices, refunds.' });
const support = createAgent({ gemini, model, instructions: 'Product problems.' });
const planner = createAgent({ gemini, model, instructions: 'Outline the topic.' });
const writer = createAgent({ gemini, model, instructions: 'Write clearly.' });
const searcher = createAgent({ gemini, model, instructions: 'Answer one question.' });
const judge = createAgent({
  gemini,
  model,
  instructions: 'Judge the answer.',
  output: z.object({ ok: z.boolean(), feedback: z.string() }),
});

// Routing: a cheap classifier picks the agent.
const { output } = await router.run(question); // output: z.enum(['billing', 'support'])
const answer = await (output === 'billing' ? billing : support).run(question);

// Sequential: each agent gets the previous one's answer.
const outline = await planner.run(topic);
const draft = await writer.run(`Write from this outline:\n${outline.text}`);

// Parallel fan-out: independent runs at once, then one that merges them.
const parts = await Promise.all(topics.map((topic) => searcher.run(topic, { signal })));
const summary = await writer.run(parts.map((part) => part.text).join('\n\n'));

// Evaluator-optimizer: a judge with structured output, a bounded loop.
let text = (await writer.run(task)).text;
for (let round = 0; round < 3; round++) {
  const { output: verdict } = await judge.run(`Task: ${task}\nAnswer: ${text}`);
  if (verdict?.ok) break;
  text = (await writer.run(`${task}\nFix this: ${verdict?.feedback}\nPrevious: ${text}`)).text;
}

export { answer, draft, summary, text };
