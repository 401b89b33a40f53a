import { defineTool } from '../../tools/define/define-tool.ts';
import type { LiveToolScheduling } from '../live-event.ts';

/** A background tool that runs until the test releases it, and reports its signal. */
export function heldTool(scheduling?: LiveToolScheduling) {
  let release: (value: unknown) => void = () => {};
  let signal: AbortSignal | undefined;
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const tool = defineTool({
    name: 'slow_search',
    description: 'Searches for a long time.',
    behavior: 'NON_BLOCKING',
    scheduling,
    execute: (_args, context) =>
      new Promise((resolve, reject) => {
        signal = context.signal;
        release = resolve;
        context.signal.addEventListener('abort', () => reject(context.signal.reason));
        markStarted();
      }),
  });
  return { tool, started, release: (value: unknown) => release(value), signal: () => signal };
}

