import { defineTool } from '@gemloop/core';
import { z } from 'zod';

/** `count`, a tool of no arguments answering `counted`; `state.runs` counts its calls. */
export function counted() {
  const state = { runs: 0 };
  const tool = defineTool({
    name: 'count',
    description: 'Counts its calls.',
    parameters: z.object({}),
    execute: () => {
      state.runs += 1;
      return 'counted';
    },
  });
  return { tool, state };
}
