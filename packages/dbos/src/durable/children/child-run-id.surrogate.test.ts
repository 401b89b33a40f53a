// A durable child's run id and a tool step's name cut the model's call id at 100 UTF-16 units
// (attack44b): a cut between the two halves of an emoji left a lone surrogate, which node-postgres
// writes as U+FFFD while the worker's string keeps half a pair (and `checkId` refuses such an id
// where a caller gives one). The cut falls on a code point's boundary.

import { describe, expect, it } from 'vitest';
import { boundedCallId } from '../steps/bounded-call-id.ts';
import { childRunId } from './durable-children.ts';

/** 99 units, then an emoji whose high surrogate is the 100th unit. */
const SPLIT_AT_100 = `${'a'.repeat(99)}😀${'b'.repeat(10)}`;

/** Whether `text` holds a surrogate that is not half of a pair. */
function loneSurrogates(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

describe('a call id whose 100th unit is a high surrogate', () => {
  it('gives a child run id of whole code points, still marked cut', () => {
    expect(SPLIT_AT_100.charCodeAt(99)).toBeGreaterThanOrEqual(0xd800);
    const id = childRunId('run-1', {
      call: { step: 2, callIndex: 0, toolCallId: SPLIT_AT_100 },
    } as Parameters<typeof childRunId>[1]);
    expect(loneSurrogates(id)).toBe(false);
    expect(id).toBe(`run-1/2.0:${'a'.repeat(99)}…`);
  });

  it('gives a step name part of whole code points, still marked cut', () => {
    expect(loneSurrogates(boundedCallId(SPLIT_AT_100))).toBe(false);
    expect(boundedCallId(SPLIT_AT_100)).toBe(`${'a'.repeat(99)}…`);
  });

  it('keeps an emoji that ends at the 100th unit, and an id of 100 units whole', () => {
    const endsAt100 = `${'a'.repeat(98)}😀${'b'.repeat(5)}`;
    expect(boundedCallId(endsAt100)).toBe(`${'a'.repeat(98)}😀…`);
    const whole = `${'a'.repeat(98)}😀`;
    expect(boundedCallId(whole)).toBe(whole);
  });

  it('replaces a lone surrogate in the middle of a short call id with U+FFFD (leftovers58)', () => {
    // A model (or a gateway) wrote half a pair mid-id: no cut is involved, the id went as it was.
    for (const half of ['\uD83D', '\uDE00']) {
      const toolCallId = `call_${half}_7`;
      const id = childRunId('run-1', {
        call: { step: 2, callIndex: 0, toolCallId },
      } as Parameters<typeof childRunId>[1]);
      expect(loneSurrogates(id)).toBe(false);
      // What node-postgres writes for the lone half, so the worker's id is the stored one.
      expect(id).toBe('run-1/2.0:call_\uFFFD_7');
      expect(boundedCallId(toolCallId)).toBe('call_\uFFFD_7');
    }
    // A whole pair stays as it is.
    expect(boundedCallId('call_😀_7')).toBe('call_😀_7');
  });

  it('replaces lone surrogates in a long id before cutting it', () => {
    const id = boundedCallId(`${'a'.repeat(50)}\uDE00${'b'.repeat(100)}`);
    expect(loneSurrogates(id)).toBe(false);
    expect(id).toBe(`${'a'.repeat(50)}\uFFFD${'b'.repeat(49)}…`);
  });
});
