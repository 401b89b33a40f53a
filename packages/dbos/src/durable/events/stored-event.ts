import type { AgentEvent, AgentStep } from '@gemloop/core';
import { boundedCallId, boundedToolName } from '@gemloop/core/internal';

/**
 * An event as a durable run's event stream stores it: a call of a tool the model made up, by a
 * name past 128 characters (never a declared one's, check-tool-name.ts), with its name and id as a
 * page is shown them (cut; the id with a hash of the whole, so the call and its end still pair,
 * and a page reading the store shows them as they are), in its `tool-call` event and in every
 * record of it (`tool-result`/`tool-error`, the step's and the result's `toolCalls`). Whole, a 2 MB
 * name and id were 4 MB in each of these, 28 MB of the stream for one call. The step's `content`,
 * `response` and `toolResponseContent` and the result's contents are the Gemini wire, kept as
 * they came. A declared tool's call keeps its id, which a durable A2A door pairs with the run's
 * pending approvals. Applied after the key hold-back, so no cut keeps the start of a key.
 * @internal
 */
export function storedEvent(event: AgentEvent<unknown>): AgentEvent<unknown> {
  switch (event.type) {
    case 'tool-call': {
      if (typeof event.toolName !== 'string') return event;
      const toolName = boundedToolName(event.toolName);
      if (toolName === event.toolName) return event;
      return { ...event, toolName, toolCallId: boundedCallId(event.toolCallId) };
    }
    case 'tool-result':
    case 'tool-error': {
      const toolCall = storedCall(event.toolCall);
      return toolCall === event.toolCall ? event : { ...event, toolCall };
    }
    case 'step-end': {
      const step = storedStep(event.step);
      return step === event.step ? event : { ...event, step };
    }
    case 'run-end': {
      if (!Array.isArray(event.result?.steps)) return event;
      const steps = event.result.steps.map(storedStep);
      if (steps.every((step, index) => step === event.result.steps[index])) return event;
      return { ...event, result: { ...event.result, steps } };
    }
    default:
      return event;
  }
}

/** A call's record, as a step holds it. */
type AgentToolCall = AgentStep['toolCalls'][number];

// Each by shape: an event is written whatever it holds (a run's events are stored as emitted).
function storedStep(step: AgentStep): AgentStep {
  if (!Array.isArray(step?.toolCalls)) return step;
  const toolCalls = step.toolCalls.map(storedCall);
  if (toolCalls.every((call, index) => call === step.toolCalls[index])) return step;
  return { ...step, toolCalls };
}

function storedCall(call: AgentToolCall): AgentToolCall {
  if (typeof call?.toolName !== 'string') return call;
  const toolName = boundedToolName(call.toolName);
  if (toolName === call.toolName) return call;
  const toolCallId = boundedCallId(call.toolCallId);
  // `response` names the call as the model was answered: that answer, verbatim, is the step's
  // `toolResponseContent`; this copy is named as the call is.
  const response = { ...call.response, name: toolName };
  if (call.response?.id !== undefined) response.id = toolCallId;
  return { ...call, toolName, toolCallId, response };
}
