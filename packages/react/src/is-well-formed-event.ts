// The events come from a server (or whatever answers at the URL), so their fields are checked
// before the state takes them: `@gemloop/client` checks only that an event is an object of a known
// `type`. A field of the wrong type drops that event (a number where text belongs must not show as
// "undefined" or NaN in a page); fields this package does not read are not looked at, so a newer
// server's additions pass.

import type { BrowserEvent, BrowserUsage } from '@gemloop/client';

type BrowserFinishEvent = Extract<BrowserEvent, { type: 'finish' }>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isOptionalString = (value: unknown): boolean => value === undefined || isString(value);
const isCount = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);

/** A `path`: the names of the agents an event came through (`[]` for the run itself). */
function isPath(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}

function isArgs(value: unknown): boolean {
  return (
    value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))
  );
}

/** Token counts, every one a finite number. */
export function isUsage(value: unknown): value is BrowserUsage {
  if (typeof value !== 'object' || value === null) return false;
  const usage = value as Record<string, unknown>;
  return (
    isCount(usage['inputTokens']) &&
    isCount(usage['outputTokens']) &&
    isCount(usage['thoughtsTokens']) &&
    isCount(usage['cachedTokens']) &&
    isCount(usage['totalTokens'])
  );
}

/**
 * Whether `value` is an event of protocol version 1 with the fields the chat state reads, of the
 * right types. An unknown `type` is `false` too: the state ignores it.
 */
export function isWellFormedEvent(value: unknown): value is BrowserEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  if (!isPath(event['path'])) return false;
  switch (event['type']) {
    case 'start':
      return isString(event['runId']);
    case 'step-start':
      return true;
    case 'text-delta':
    case 'thought-delta':
      return isString(event['text']);
    case 'text-retraction':
      // Replaces one step's text: which one must be known.
      return isString(event['text']) && isCount(event['stepNumber']);
    case 'tool-call':
      return isString(event['toolCallId']) && isString(event['toolName']) && isArgs(event['args']);
    case 'tool-result':
      return (
        isString(event['toolCallId']) &&
        isString(event['toolName']) &&
        isString(event['outcome']) &&
        isOptionalString(event['preview']) &&
        isOptionalString(event['error']) &&
        (event['truncated'] === undefined || typeof event['truncated'] === 'boolean')
      );
    case 'step-finish':
      return isUsage(event['usage']);
    case 'approval-pending':
      return (
        isString(event['approvalId']) &&
        isString(event['toolCallId']) &&
        isString(event['toolName']) &&
        isArgs(event['args'])
      );
    case 'approval-resolved':
      return (
        isString(event['approvalId']) &&
        (event['decision'] === 'approve' || event['decision'] === 'deny')
      );
    case 'plugin':
      return isString(event['plugin']) && isString(event['kind']);
    case 'handoff':
      // Ends the steps of the message's answer: where it happened must be known.
      return isCount(event['stepNumber']);
    case 'error': {
      const error = event['error'] as Record<string, unknown> | null | undefined;
      return (
        typeof error === 'object' &&
        error !== null &&
        isString(error['name']) &&
        isString(error['message']) &&
        isOptionalString(error['code'])
      );
    }
    case 'finish':
      return (
        (event['outcome'] === 'completed' ||
          event['outcome'] === 'aborted' ||
          event['outcome'] === 'error') &&
        isOptionalString(event['finishReason']) &&
        (event['usage'] === undefined || event['usage'] === null || isUsage(event['usage']))
      );
    default:
      return false;
  }
}

/**
 * The run's end as `finish` read leniently: any event of type `finish`, whatever its other fields.
 * `@gemloop/client` ends the stream at any `finish` (it is the last event), so a state that dropped
 * one of the wrong shape (`usage: 'x'`, an outcome a newer server names) streamed for good: the
 * chat stuck on Stop with no run behind it (attack61f). A field of the wrong type is left out; an
 * outcome this package does not know is `error`, the run ended in a way this page cannot tell.
 * `undefined` for any other event.
 */
export function readFinishEvent(value: unknown): BrowserFinishEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Record<string, unknown>;
  if (event['type'] !== 'finish') return undefined;
  const { outcome, finishReason, usage } = event;
  return {
    type: 'finish',
    path: [],
    outcome: outcome === 'completed' || outcome === 'aborted' ? outcome : 'error',
    finishReason: isString(finishReason) ? finishReason : undefined,
    usage: isUsage(usage) ? usage : undefined,
    // Not read by the chat state.
    cost: null,
  };
}
