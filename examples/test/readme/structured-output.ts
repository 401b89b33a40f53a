// README: structured output.
import { createAgent, createGemini } from '@gemloop/core';
import { z } from 'zod';

const agent = createAgent({
  gemini: createGemini(),
  model: 'gemini-3-flash-preview',
  output: z.object({
    name: z.string(),
    email: z.email(),
    company: z.string().optional(),
  }),
});

const { output } = await agent.run(
  'Reach me at ada@example.com. Ada Lovelace, Analytical Engines Ltd.',
);
console.log(output?.email); // typed: string | undefined (output is undefined if the run did not stop normally)
