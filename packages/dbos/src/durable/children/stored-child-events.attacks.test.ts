import { describe, expect, it } from 'vitest';
import { CHILD_EVENTS_PROPERTY, typedStoredError } from '../../errors/typed-stored-error.ts';
import { storedChildEvents } from './stored-child-events.ts';

// A failed child's stored error carries its events for the parent's stream (events66): the row is
// read as untrusted (a forged or older row), and the record never shows as a revived error's field.

/** A stored child error as DBOS revives it, with `events` as its events record. */
const storedWith = (events: unknown): Error =>
  Object.assign(new Error('The model call of step 2 failed'), {
    name: 'ModelCallError',
    code: 'model-call',
    stepNumber: 2,
    [CHILD_EVENTS_PROPERTY]: events,
  });

describe('storedChildEvents reads a stored child error as untrusted', () => {
  it('keeps objects with a text type, in order, and nothing else', () => {
    const events = storedChildEvents(
      storedWith([
        { type: 'step-start', path: ['a#1'] },
        null,
        'text',
        [1],
        { type: 7 },
        { path: ['a#1'] },
        { type: 'step-end', path: ['a#1'] },
      ]),
      100,
    );
    expect(events).toEqual([
      { type: 'step-start', path: ['a#1'] },
      { type: 'step-end', path: ['a#1'] },
    ]);
  });

  it.each([
    ['no record (an older worker)', undefined],
    ['a text', 'events'],
    ['an object', { 0: { type: 'step-start' }, length: 1 }],
    ['a number', 3],
  ])('gives none for %s', (_what, value) => {
    expect(storedChildEvents(storedWith(value), 100)).toEqual([]);
  });

  it('gives none for what is not an error object', () => {
    expect(storedChildEvents(undefined, 100)).toEqual([]);
    expect(storedChildEvents('failed', 100)).toEqual([]);
  });

  it('reads at most max items of a forged row of 50,000', () => {
    const forged = Array.from({ length: 50_000 }, () => ({ type: 'text-delta', path: ['a#1'] }));
    expect(storedChildEvents(storedWith(forged), 10_000)).toHaveLength(10_000);
  });

  it('never runs a getter the row could not hold', () => {
    const error = new Error('x');
    let read = 0;
    Object.defineProperty(error, CHILD_EVENTS_PROPERTY, {
      enumerable: true,
      get: () => {
        read++;
        return [{ type: 'step-start' }];
      },
    });
    expect(storedChildEvents(error, 100)).toEqual([]);
    expect(read).toBe(0);
  });

  it('is no field of the revived error (a log line would print every event)', () => {
    const revived = typedStoredError(storedWith([{ type: 'step-start', path: ['a#1'] }]), 0);
    expect(Object.keys(revived as object)).not.toContain(CHILD_EVENTS_PROPERTY);
    expect(JSON.stringify(revived)).not.toContain('step-start');
  });
});
