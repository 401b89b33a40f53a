import { describe, expect, it } from 'vitest';
import { triageAgents } from './__fixtures__/triage-agents.ts';
import { followAnsweringAgent } from './follow-answering-agent.ts';

// Which agent answers a door's run, event by event (doors53, doors-unify53): the door's agent, or
// the one an earlier hand-off left holding the conversation, then the one a top-level hand-off
// gives the run to; a subagent's hand-off is inside a tool call.
const { triage } = triageAgents();

const handoffTo = (to: unknown, path: string[] = []) => ({ type: 'handoff', path, to });
const delta = { type: 'text-delta', path: [] };
const OUTPUT = { answersWithOutput: true, handsToOutput: false };
const HANDS_TO_OUTPUT = { answersWithOutput: false, handsToOutput: true };
const PLAIN = { answersWithOutput: false, handsToOutput: false };

describe('followAnsweringAgent', () => {
  it('switches at a top-level hand-off, to the receiver’s setting, and back to plain', () => {
    const answering = followAnsweringAgent({ root: triage });
    expect(answering(delta)).toEqual(HANDS_TO_OUTPUT);
    expect(answering(handoffTo('cities'))).toEqual(OUTPUT);
    expect(answering(delta)).toEqual(OUTPUT);
    // With no event: the agent answering now (what a stream's end reads).
    expect(answering()).toEqual(OUTPUT);
    expect(answering(handoffTo('chat'))).toEqual(PLAIN);
    expect(answering()).toEqual(PLAIN);
  });

  it('a subagent’s hand-off, or a name no receiver goes by, answers nothing of the run’s', () => {
    const answering = followAnsweringAgent({ root: triage });
    expect(answering(handoffTo('cities', ['helper#1']))).toEqual(HANDS_TO_OUTPUT);
    expect(answering(handoffTo('nobody'))).toEqual(PLAIN);
    // A `to` that is no name is no agent, not the door's own (which hands to `cities`).
    expect(followAnsweringAgent({ root: triage })(handoffTo(7))).toEqual(PLAIN);
  });

  it('starts with the holder, read at the first event (the send’s own load comes before it)', () => {
    let holder: string | undefined;
    let reads = 0;
    const answering = followAnsweringAgent({
      root: triage,
      holder: () => {
        reads += 1;
        return holder;
      },
    });
    expect(reads).toBe(0);
    holder = 'cities';
    expect(answering(delta)).toEqual(OUTPUT);
    holder = undefined;
    expect(answering(delta)).toEqual(OUTPUT);
    expect(reads).toBe(1);
  });

  it('a holder no receiver goes by is plain; no agent (a durable run by name) is always plain', () => {
    expect(followAnsweringAgent({ root: triage, holder: () => 'gone' })(delta)).toEqual(PLAIN);
    const byName = followAnsweringAgent({ root: undefined });
    expect(byName(handoffTo('cities'))).toEqual(PLAIN);
  });
});
