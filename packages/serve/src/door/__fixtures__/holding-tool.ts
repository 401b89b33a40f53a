import { defineTool } from '@gemloop/core';
import { z } from 'zod';

/**
 * `hold_on`, which waits until the test releases it and then returns `result`, whatever the
 * run's signal says (a tool deaf to the abort, as many are); `nextStart()` resolves when a run
 * calls it next. One tool for every run of the agent, so the test holds one run at a time.
 */
export function holdingTool(result: unknown = { released: true }) {
  let started: () => void = () => {};
  let release: () => void = () => {};
  const tool = defineTool({
    name: 'hold_on',
    description: 'Waits for the test.',
    parameters: z.object({}),
    execute: () =>
      new Promise((resolve) => {
        release = () => resolve(result);
        started();
      }),
  });
  return {
    tool,
    nextStart: () =>
      new Promise<void>((resolve) => {
        started = resolve;
      }),
    release: () => release(),
  };
}
