import type { AgentEvent } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { endChildHold } from '../children/child-event-hold.ts';
import {
  type ChildHold,
  createRunEventBuffer,
  pushRunEvent,
  releaseChildHold,
} from './run-events.ts';

// While a parent waits on a child whose events it announced at index `at` (durable68), the
// parent's other events wait, so the child's take `at`, `at + 1`, ... as its reader was told.

const event = (name: string, path: string[] = []): AgentEvent<unknown> =>
  ({ type: 'text', path, text: name }) as unknown as AgentEvent<unknown>;

const names = (events: readonly AgentEvent<unknown>[]): string[] =>
  events.map((each) => (each as unknown as { text: string }).text);

const holding = (path: string[]): ChildHold => ({
  path,
  deferred: [],
  seen: 0,
  expected: undefined,
});

describe("a parent's events while a child's are awaited at a known index", () => {
  it("puts the child's events (its subagents' too) at the index, the others after, in order", () => {
    const buffer = createRunEventBuffer();
    pushRunEvent(buffer, event('before'));
    const hold = holding(['c#1']);
    buffer.held = hold;
    pushRunEvent(buffer, event('sibling', []));
    pushRunEvent(buffer, event('other child', ['d#1']));
    // A name that only starts like the child's is another's.
    pushRunEvent(buffer, event('c#10', ['c#10']));
    pushRunEvent(buffer, event('c0', ['c#1']));
    endChildHold(buffer, hold, 3);
    pushRunEvent(buffer, event('g0', ['c#1', 'g#1']));
    expect(buffer.held).toBe(hold);
    pushRunEvent(buffer, event('c1', ['c#1']));
    expect(buffer.held).toBeUndefined();
    pushRunEvent(buffer, event('after'));
    expect(names(buffer.events)).toEqual([
      'before',
      'c0',
      'g0',
      'c1',
      'sibling',
      'other child',
      'c#10',
      'after',
    ]);
  });

  it('ends at once when every event came before the count; a release lets the rest in', () => {
    const buffer = createRunEventBuffer();
    const told: string[] = [];
    buffer.accepted = (each) => told.push(names([each])[0] as string);
    const hold = holding(['c#1']);
    buffer.held = hold;
    pushRunEvent(buffer, event('c0', ['c#1']));
    endChildHold(buffer, hold, 1);
    expect(buffer.held).toBeUndefined();
    // A child's events that never all come (its call aborted): released by whoever holds next.
    const stuck = holding(['c#2']);
    buffer.held = stuck;
    pushRunEvent(buffer, event('sibling'));
    endChildHold(buffer, stuck, 2);
    expect(names(buffer.events)).toEqual(['c0']);
    releaseChildHold(buffer);
    expect(names(buffer.events)).toEqual(['c0', 'sibling']);
    // The outcome's order is the stream's.
    expect(told).toEqual(['c0', 'sibling']);
  });
});
