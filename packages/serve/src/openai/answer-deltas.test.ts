import type { AgentEvent } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { triageAgents } from '../door/__fixtures__/triage-agents.ts';
import { createAnswerDeltas } from './answer-deltas.ts';

const { triage, chat } = triageAgents();

const text = (stepNumber: number, value: string) =>
  ({ type: 'text-delta', stepNumber, text: value, path: [] }) as AgentEvent<unknown>;
const stepStart = (stepNumber: number) =>
  ({ type: 'step-start', stepNumber, kind: 'tools', path: [] }) as AgentEvent<unknown>;
const handTo = (to: string, stepNumber: number) =>
  ({ type: 'handoff', stepNumber, from: 'triage', to, path: [] }) as unknown as AgentEvent<unknown>;
const retraction = (stepNumber: number, value: string) =>
  ({
    type: 'guardrail-retraction',
    stepNumber,
    name: 'guard',
    text: value,
    path: [],
  }) as AgentEvent<unknown>;

/** Every text the events release, in order, then what the end releases. */
function run(deltas: ReturnType<typeof createAnswerDeltas>, events: AgentEvent<unknown>[]) {
  const out = events.flatMap((event) => deltas.take(event).map((delta) => delta.text));
  const { released, answerOnly } = deltas.end();
  return { out: [...out, ...released.map((delta) => delta.text)], answerOnly };
}

describe('createAnswerDeltas', () => {
  it('holds a step’s text until the next step starts, when the agent may hand to an output one', () => {
    const deltas = createAnswerDeltas({ root: triage });
    expect(deltas.take(stepStart(1))).toEqual([]);
    expect(deltas.take(text(1, 'Looking '))).toEqual([]);
    expect(deltas.take(text(1, 'it up.'))).toEqual([]);
    expect(deltas.take(stepStart(2)).map((delta) => delta.text)).toEqual(['Looking ', 'it up.']);
    expect(run(deltas, [text(2, 'Paris.')])).toEqual({ out: ['Paris.'], answerOnly: false });
    expect(deltas.sent()).toBe('Looking it up.Paris.');
    // By step, as the Responses route's message items settle on it (message-items.ts).
    expect([deltas.sentIn(1), deltas.sentIn(2), deltas.sentIn(3)]).toEqual([
      'Looking it up.',
      'Paris.',
      '',
    ]);
  });

  it('drops the held text of a step handing to an output agent, whose answer goes whole', () => {
    const deltas = createAnswerDeltas({ root: triage });
    const { out, answerOnly } = run(deltas, [
      stepStart(1),
      text(1, 'Let me ask cities.'),
      handTo('cities', 1),
      stepStart(2),
      text(2, '{"city": 42}'),
      text(3, '{"city":"Paris"}'),
    ]);
    expect(out).toEqual([]);
    expect(answerOnly).toBe(true);
  });

  it('sends the held text of a step handing to a plain agent, then that agent’s live', () => {
    const deltas = createAnswerDeltas({ root: triage });
    expect(run(deltas, [text(1, 'Over to chat. '), handTo('chat', 1), text(2, 'Hi')])).toEqual({
      out: ['Over to chat. ', 'Hi'],
      answerOnly: false,
    });
  });

  it('sends a plain agent’s deltas as they come', () => {
    const deltas = createAnswerDeltas({ root: chat });
    expect(deltas.take(text(1, 'Hi')).map((delta) => delta.text)).toEqual(['Hi']);
  });

  it('starts from the holder a conversation names, read at the first event', () => {
    let holder: string | undefined;
    const deltas = createAnswerDeltas({ root: triage, holder: () => holder });
    holder = 'cities';
    expect(run(deltas, [text(1, '{"city": 42}')])).toEqual({ out: [], answerOnly: true });
  });

  it('sends held text as a guardrail left it, and settles a failure on what was sent', () => {
    const held = createAnswerDeltas({ root: triage });
    expect(run(held, [text(1, 'secret'), retraction(1, '[removed]')]).out).toEqual(['[removed]']);
    const blocked = createAnswerDeltas({ root: triage });
    expect(run(blocked, [text(1, 'secret'), retraction(1, '')]).out).toEqual([]);
    const live = createAnswerDeltas({ root: chat });
    expect(run(live, [text(1, 'secret'), retraction(1, '[removed]')]).out).toEqual(['secret']);
    expect(live.sent()).toBe('[removed]');
    expect(live.sentIn(1)).toBe('[removed]');
  });
});
