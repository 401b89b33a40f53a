import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../agent-event.ts';
import { type HeldReports, HeldToolReports } from './held-tool-reports.ts';

// The holding of a durable run's recorded tool hooks' reports, alone: the events a turn's calls
// make, in the orders a run can make them. Through a run: recorded-reports.test.ts.

const call = (stepNumber: number, toolCallId: string) =>
  ({ type: 'tool-call', path: [], stepNumber, toolCallId, toolName: 'lookup', args: {} }) as const;
const result = (
  stepNumber: number,
  toolCallId: string,
  type: 'tool-result' | 'tool-error' = 'tool-result',
) => ({ type, path: [], stepNumber, toolCall: { toolCallId } }) as unknown as AgentEvent<unknown>;
const stepEnd = (stepNumber: number) =>
  ({ type: 'step-end', path: [], step: { stepNumber } }) as unknown as AgentEvent<unknown>;
const reports = (stepNumber: number, kind: string): HeldReports => ({
  plugin: 'auditor',
  stepNumber,
  reports: [{ kind }],
});

/** A holder whose releases and passing events are written to one log, in order. */
function logged() {
  const log: string[] = [];
  const held = new HeldToolReports();
  const release = (released: HeldReports): void => {
    for (const { kind } of released.reports) log.push(kind);
  };
  const pass = (event: AgentEvent<unknown>): void => {
    held.seen(event, release);
    if (event.type === 'tool-result' || event.type === 'tool-error')
      log.push(`${event.type} ${event.toolCall.toolCallId}`);
    else if (event.type === 'step-end') log.push('step-end');
  };
  const hold = (callIndex: number, made: HeldReports): void => held.hold(callIndex, made, release);
  return { log, pass, hold };
}

describe('HeldToolReports', () => {
  it("releases each call's reports just before its result, whichever order the hooks ended in", () => {
    const { log, pass, hold } = logged();
    for (const id of ['a', 'b', 'c']) pass(call(1, id));
    hold(2, reports(1, 'c-ran'));
    hold(0, reports(1, 'a-ran'));
    hold(1, reports(1, 'b-ran'));
    pass(result(1, 'a'));
    pass(result(1, 'b', 'tool-error'));
    pass(result(1, 'c'));
    expect(log).toEqual([
      'a-ran',
      'tool-result a',
      'b-ran',
      'tool-error b',
      'c-ran',
      'tool-result c',
    ]);
  });

  it('releases each report once when calls that share an id settle out of call order (as-ready)', () => {
    const { log, pass, hold } = logged();
    for (const id of ['a', 'same', 'same']) pass(call(1, id));
    // The third call ends first and settles: taken for the second (the first unsettled `same`).
    hold(2, reports(1, 'third'));
    pass(result(1, 'same'));
    // The second's hook ends after: its call counts as settled, so its report goes out at once.
    hold(1, reports(1, 'second'));
    pass(result(1, 'same'));
    hold(0, reports(1, 'first'));
    pass(result(1, 'a'));
    // Each once: the third's with its twin's result (the second `same`), not before its own.
    expect(log).toEqual([
      'tool-result same',
      'second',
      'third',
      'tool-result same',
      'first',
      'tool-result a',
    ]);
  });

  it("releases at once what belongs to no announced turn (another step's, a call already settled)", () => {
    const { log, pass, hold } = logged();
    hold(0, reports(1, 'before any turn'));
    pass(call(2, 'a'));
    hold(0, reports(1, 'an older step'));
    pass(result(2, 'a'));
    hold(0, reports(2, 'after its result'));
    expect(log).toEqual(['before any turn', 'an older step', 'tool-result a', 'after its result']);
  });

  it("releases a call's reports before its step's end when the call never settled", () => {
    const { log, pass, hold } = logged();
    pass(call(1, 'a'));
    pass(call(1, 'b'));
    hold(1, reports(1, 'b-ran'));
    pass(result(1, 'a'));
    pass(stepEnd(1));
    expect(log).toEqual(['tool-result a', 'b-ran', 'step-end']);
  });

  it('starts a new turn at a call announced after a result, releasing what the last one left', () => {
    const { log, pass, hold } = logged();
    pass(call(1, 'a'));
    pass(call(1, 'b'));
    hold(1, reports(1, 'b-ran'));
    pass(result(1, 'a'));
    // A later turn (a re-asked step keeps its number) before the first one's second result.
    pass(call(1, 'c'));
    hold(0, reports(1, 'c-ran'));
    pass(result(1, 'c'));
    expect(log).toEqual(['tool-result a', 'b-ran', 'c-ran', 'tool-result c']);
  });
});
