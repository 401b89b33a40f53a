import { defineTool } from '../../tools/define/define-tool.ts';
import type { LiveToolScheduling } from '../live-event.ts';

/**
 * A background tool that runs until the test releases it, and reports its signal. The release
 * holds for every call, started or not: when a call starts is the session's to time (a slot, a
 * resumed connection), and a release that came first must not be lost (the test would wait on
 * a result forever).
 */
export function heldTool(scheduling?: LiveToolScheduling) {
  let release: (value: unknown) => void = () => {};
  const released = new Promise<unknown>((resolve) => {
    release = resolve;
  });
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
        context.signal.addEventListener('abort', () => reject(context.signal.reason));
        void released.then(resolve);
        markStarted();
      }),
  });
  return { tool, started, release, signal: () => signal };
}
