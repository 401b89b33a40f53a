import { describe, expectTypeOf, it } from 'vitest';
import type { AgentEvent, AgentPath, UntaggedAgentEvent } from './agent-event.ts';
import type { AgentResult, AgentStep } from './agent-result.ts';

// What a consumer of the event stream relies on: `type` narrows the union to one event, every
// event carries its agent path, and a plugin may emit an event without the path (the loop adds it).

describe('AgentEvent', () => {
  it('narrows on type to the fields of that event', () => {
    const read = (event: AgentEvent) => {
      switch (event.type) {
        case 'text-delta':
          expectTypeOf(event.text).toEqualTypeOf<string>();
          return event.stepNumber;
        case 'step-end':
          expectTypeOf(event.step).toEqualTypeOf<AgentStep>();
          return event.step.stepNumber;
        case 'run-end':
          expectTypeOf(event.result).toEqualTypeOf<AgentResult<undefined>>();
          return 0;
        case 'plugin':
          expectTypeOf(event.data).toEqualTypeOf<unknown>();
          return event.stepNumber;
        default:
          return -1;
      }
    };
    void read;
  });

  it('types the run-end result with the agent’s output', () => {
    type End = Extract<AgentEvent<{ city: string }>, { type: 'run-end' }>;
    expectTypeOf<End['result']['output']>().toEqualTypeOf<{ city: string } | undefined>();
  });

  it('carries the agent path on every event', () => {
    expectTypeOf<AgentEvent['path']>().toEqualTypeOf<AgentPath>();
  });
});

describe('UntaggedAgentEvent', () => {
  it('is an event whose path may be left out, and nothing else changes', () => {
    const delta: UntaggedAgentEvent = { type: 'text-delta', stepNumber: 1, text: 'hi' };
    const tagged: UntaggedAgentEvent = {
      type: 'text-delta',
      stepNumber: 1,
      text: 'hi',
      path: ['main'],
    };
    void delta;
    void tagged;
    // @ts-expect-error: the other fields stay required.
    const missing: UntaggedAgentEvent = { type: 'text-delta', stepNumber: 1 };
    // @ts-expect-error: an unknown type is no event.
    const unknown: UntaggedAgentEvent = { type: 'text-deltas', stepNumber: 1, text: 'x' };
    void missing;
    void unknown;
  });

  it('keeps the union discriminated', () => {
    const read = (event: UntaggedAgentEvent) => (event.type === 'handoff' ? event.to : undefined);
    expectTypeOf(read).returns.toEqualTypeOf<string | undefined>();
  });
});
