import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';

/**
 * A tool `wait` that runs until its signal aborts, and `running`, which settles once it has
 * started: a run aborted while it waits is still ending right after the abort (its tool rejects
 * on the abort event), the moment the steering tests act in.
 */
export function waitingTool() {
  let started: () => void = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const tool = defineTool({
    name: 'wait',
    description: 'Waits until aborted.',
    parameters: z.object({}),
    execute: (_args, { signal }) => {
      started();
      return new Promise<never>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
  });
  return { tool, running };
}
