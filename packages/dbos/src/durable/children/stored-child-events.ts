import type { AgentEvent } from '@gemloop/core';
import { CHILD_EVENTS_PROPERTY } from '../../errors/typed-stored-error.ts';

/**
 * The events a failed child workflow's stored error carries (`CHILD_EVENTS_PROPERTY`, recorded
 * by durable-children.ts before it throws), for its parent to hand to its stream as it hands a
 * child's that succeeded: in process a failed child's events reach its parent's stream as they
 * come, and durably they were dropped with the child (events66). The stored row is read as
 * untrusted: only an array, only its first `max` items, and only items that are objects with a
 * text `type`; none for anything else (an error of an older worker carries none). @internal
 */
export function storedChildEvents(error: unknown, max: number): AgentEvent<unknown>[] {
  if (typeof error !== 'object' || error === null) return [];
  const descriptor = Object.getOwnPropertyDescriptor(error, CHILD_EVENTS_PROPERTY);
  const events: unknown = descriptor !== undefined && 'value' in descriptor ? descriptor.value : [];
  if (!Array.isArray(events)) return [];
  const kept: AgentEvent<unknown>[] = [];
  for (const event of events.slice(0, max)) {
    if (
      typeof event === 'object' &&
      event !== null &&
      !Array.isArray(event) &&
      typeof (event as { type?: unknown }).type === 'string'
    ) {
      kept.push(event as AgentEvent<unknown>);
    }
  }
  return kept;
}
