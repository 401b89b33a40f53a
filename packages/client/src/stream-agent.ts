import type { BrowserEvent, BrowserFinishEvent } from '@gemloop/core/web';
import { agentEvents } from './agent-events.ts';
import { AGENT_EVENTS_OPTIONS, type AgentEventsOptions } from './agent-events-options.ts';
import { checkOptionKeys } from './check-option-keys.ts';

/** Options of {@link streamAgent}: those of `agentEvents`, and the callback. */
export type StreamAgentOptions = AgentEventsOptions & {
  /** Called with each event, in order. */
  onEvent?: ((event: BrowserEvent) => void) | undefined;
};

/** What {@link streamAgent} resolves to. */
export type StreamAgentResult = {
  runId: string | undefined;
  /**
   * The run's answer text: each step's `text-delta` events joined, in step order, a step's text
   * replaced by a `text-retraction` for it (an output guardrail withdrew or rewrote it). After a
   * `handoff` the answer is the receiving agent's: the steps up to the hand-off's are left out
   * (what the agent handing over wrote was joined to the receiver's JSON, no longer parseable).
   * A delta without a step number continues the step streaming then, as `@gemloop/react` shows it.
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
 *     if (event.type === 'text-delta') answer.append(event.text);
 *   },
 * });
 * ```
 * @throws what `agentEvents` throws.
 */
export async function streamAgent(
  url: string | URL,
  options: StreamAgentOptions = {},
): Promise<StreamAgentResult> {
  // First: `null` options read `options.resume` below as a bare TypeError (attack14).
  checkOptionKeys(options, { ...AGENT_EVENTS_OPTIONS, onEvent: 1 }, 'streamAgent');
  const result: StreamAgentResult = {
    runId: options.resume?.runId,
    text: '',
    finish: undefined,
  };
  // Each step's text as the pieces that came, joined once at the end: joining (or sorting) on
  // every event made a run of n events cost n² (a server that retracts each of many steps froze
  // the page). A retraction replaces its step's pieces and no other step's.
  const steps = new Map<number, string[]>();
  // The step of the run's last hand-off: the answer is the steps after it.
  let handedOver = Number.NEGATIVE_INFINITY;
  // The highest step with text: where a delta without a step number goes (see `deltaStep`).
  let lastStep: number | undefined;
  const setStep = (step: number, text: string, append: boolean) => {
    const pieces = steps.get(step);
    if (append && pieces !== undefined) pieces.push(text);
    else steps.set(step, [text]);
    lastStep = Math.max(lastStep ?? step, step);
  };
  const { onEvent, ...eventsOptions } = options;
  for await (const event of agentEvents(url, eventsOptions)) {
    // agentEvents checks only an event's type: the fields read here are checked too, so a server
    // that sends another shape cannot crash this loop or put a number into the text.
    if (event.type === 'start') {
      if (typeof event.runId === 'string') result.runId = event.runId;
    } else if (event.type === 'text-delta' && isOwnDelta(event)) {
      setStep(deltaStep(event.stepNumber, lastStep, handedOver), event.text, true);
    } else if (event.type === 'text-retraction' && isOwnText(event)) {
      setStep(event.stepNumber, event.text, false);
    } else if (
      event.type === 'handoff' &&
      Array.isArray(event.path) &&
      event.path.length === 0 &&
      Number.isFinite(event.stepNumber)
    ) {
      handedOver = Math.max(handedOver, event.stepNumber);
    } else if (event.type === 'finish') result.finish = event;
    onEvent?.(event);
  }
  // In step order: a retraction may name a step that sent no text before (a rewrite of an empty
  // answer), which the map holds after the later steps.
  result.text = [...steps.keys()]
    .filter((step) => step > handedOver)
    .sort((a, b) => a - b)
    .map((step) => (steps.get(step) as string[]).join(''))
    .join('');
  return result;
}

/** A text event of the run itself (not a subagent's) with the fields it should have. */
function isOwnText(event: { path: unknown; stepNumber: unknown; text: unknown }): boolean {
  return isOwnDelta(event) && Number.isFinite(event.stepNumber);
}

/** A text delta of the run itself: one without a step number is read by `deltaStep`. */
function isOwnDelta(event: { path: unknown; text: unknown }): boolean {
  return Array.isArray(event.path) && event.path.length === 0 && typeof event.text === 'string';
}

/**
 * The step a text delta belongs to. One without a finite `stepNumber` (a server or proxy that
 * left it out) continues the text streaming now, after a hand-off the receiver's, as the chat
 * state of `@gemloop/react` reads it: dropped, the answer here lacked text the page showed.
 */
function deltaStep(value: unknown, lastStep: number | undefined, handedOver: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return Math.max(lastStep ?? 0, handedOver + 1);
}
