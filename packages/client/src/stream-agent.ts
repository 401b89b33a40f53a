import type { BrowserEvent, BrowserFinishEvent } from '@gemloop/core/web';
import { type AgentEventsOptions, agentEvents } from './agent-events.ts';

/** Options of {@link streamAgent}: those of `agentEvents`, and the callback. */
export type StreamAgentOptions = AgentEventsOptions & {
  /** Called with each event, in order. */
  onEvent?: ((event: BrowserEvent) => void) | undefined;
};

/** What {@link streamAgent} resolves to. */
export type StreamAgentResult = {
  runId: string | undefined;
  /**
   * The run's answer text: the `text-delta` events joined, each step's text replaced by a
   * `text-retraction` for it (an output guardrail withdrew or rewrote it).
   */
  text: string;
  /** The last event. */
  finish: BrowserFinishEvent | undefined;
};

/**
 * Streams a run, calling `onEvent` for each event; resolves once `finish` arrived.
 *
 * @example
 * ```ts
 * const controller = new AbortController(); // stop.onclick = () => controller.abort()
 * await streamAgent('/chat', {
 *   body: { message },
 *   signal: controller.signal,
 *   onEvent: (event) => {
 *     if (event.type === 'text-delta') answer.textContent += event.text;
 *   },
 * });
 * ```
 * @throws what `agentEvents` throws.
 */
export async function streamAgent(
  url: string | URL,
  options: StreamAgentOptions = {},
): Promise<StreamAgentResult> {
  const result: StreamAgentResult = { runId: undefined, text: '', finish: undefined };
  // Each step's text, so a retraction replaces that step's and no other.
  const steps = new Map<number, string>();
  for await (const event of agentEvents(url, options)) {
    if (event.type === 'start') result.runId = event.runId;
    else if (event.type === 'text-delta' && event.path.length === 0) {
      result.text += event.text;
      steps.set(event.stepNumber, (steps.get(event.stepNumber) ?? '') + event.text);
    } else if (event.type === 'text-retraction' && event.path.length === 0) {
      steps.set(event.stepNumber, event.text);
      result.text = [...steps.values()].join('');
    } else if (event.type === 'finish') result.finish = event;
    options.onEvent?.(event);
  }
  return result;
}
